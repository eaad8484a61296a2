// A synthetic product catalog generated from a seed and a size: each product has a type
// (and so a category), a brand, 2-5 attributes from its category's pool, 2-6 values for
// each of its type's option kinds, a price, a title and an id like "B0K3X9QZ1A".
// Read-only once built; shared by every env of a batch.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/envs/shop/vocabulary.hpp"

namespace gigpo::shop {

constexpr int kMaxAttributes = 5;
constexpr int kMaxOptionValues = 6;
constexpr int kIdLength = 10;

struct Product {
  std::array<char, kIdLength> id;
  uint8_t type = 0;
  uint8_t numAttributes = 0;
  std::array<uint8_t, kMaxAttributes> attributes{};  // indices into its category's attributes
  // Per option slot of its type: the offered values (indices into the kind's values).
  std::array<uint8_t, kMaxOptionKindsPerType> numValues{};
  std::array<std::array<uint8_t, kMaxOptionValues>, kMaxOptionKindsPerType> values{};
  uint32_t priceCents = 0;
  uint16_t brand = 0;
  uint8_t blurb = 0;
  std::string title;
};

class Catalog {
 public:
  Catalog(uint64_t seed, uint32_t size);

  uint32_t size() const { return static_cast<uint32_t>(products_.size()); }
  const Product& operator[](uint32_t i) const { return products_[i]; }

  static const ProductType& typeOf(const Product& p) { return productTypes()[p.type]; }
  static const Category& categoryOf(const Product& p) { return categories()[typeOf(p).category]; }
  static std::string_view attribute(const Product& p, int k) { return categoryOf(p).attributes[p.attributes[k]]; }
  static std::string_view id(const Product& p) { return std::string_view(p.id.data(), p.id.size()); }
  // The option kind of slot s (kNoOption when the type has no such slot) and a value's text.
  static uint8_t optionKind(const Product& p, int slot) { return typeOf(p).options[slot]; }
  static std::string_view optionValue(const Product& p, int slot, int k) {
    return optionKinds()[optionKind(p, slot)].values[p.values[slot][k]];
  }
  std::string_view brand(const Product& p) const { return brands_[p.brand]; }

  // The text the search index sees: title and attributes.
  std::string searchText(uint32_t i) const;
  // Writes the description page's text to `out` (anything with << of string_view):
  // "This t-shirt from Brand is cotton and slim fit. <blurb>".
  template <class Out>
  void writeDescription(const Product& p, Out& out) const {
    out << std::string_view("This ") << typeOf(p).noun << std::string_view(" from ") << brand(p)
        << std::string_view(" is ") << attribute(p, 0) << std::string_view(" and ") << attribute(p, p.numAttributes - 1)
        << std::string_view(". ") << blurbs()[p.blurb];
  }
  // Bytes held by the catalog (products, titles, brands).
  size_t memoryBytes() const;

 private:
  std::vector<Product> products_;
  std::vector<std::string> brands_;
};

}  // namespace gigpo::shop
