// The words a synthetic catalog is generated from: categories with their attribute pools,
// product types (noun, category, option kinds, price range), option kinds with their
// values and the phrase an instruction uses for them, and brand syllables. Written for
// this engine. Attribute phrases never contain ", " or " and ", so instructions that list
// them stay unambiguous.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace gigpo::shop {

constexpr uint8_t kNoOption = 255;
constexpr int kMaxOptionKindsPerType = 2;

struct OptionKind {
  std::string_view label;   // shown on the item page: "size", "color", ...
  std::string_view before;  // instruction phrase around the value: before + value + after
  std::string_view after;
  std::span<const std::string_view> values;
};

struct Category {
  std::string_view name;
  std::span<const std::string_view> attributes;
  std::span<const std::string_view> suffixes;  // title endings ("for Men"), may be empty strings
};

struct ProductType {
  std::string_view noun;
  bool plural;  // "some jeans that are ..." rather than "a jeans that is ..."
  bool mass;    // "some honey that is ..."
  uint8_t category;
  uint8_t options[kMaxOptionKindsPerType];  // OptionKind indices, kNoOption when unused
  uint16_t minPrice, maxPrice;              // dollars
};

std::span<const OptionKind> optionKinds();
std::span<const Category> categories();
std::span<const ProductType> productTypes();
std::span<const std::string_view> brandSyllables();
// Sentences for item descriptions, not tied to a category.
std::span<const std::string_view> blurbs();

}  // namespace gigpo::shop
