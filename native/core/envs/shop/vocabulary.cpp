#include "core/envs/shop/vocabulary.hpp"

#include <array>

namespace gigpo::shop {
namespace {

using sv = std::string_view;

// Option values. Within one product type the values of its kinds never coincide, so an
// item page's clickable option names are unique.
constexpr std::array<sv, 6> kApparelSizes = {"x-small", "small", "medium", "large", "x-large", "xx-large"};
constexpr std::array<sv, 10> kShoeSizes = {"6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "11"};
constexpr std::array<sv, 4> kBedSizes = {"twin", "full", "queen", "king"};
constexpr std::array<sv, 3> kPlainSizes = {"small", "medium", "large"};
constexpr std::array<sv, 5> kVolumes = {"2 fl oz", "4 fl oz", "8 fl oz", "16 fl oz", "32 fl oz"};
constexpr std::array<sv, 15> kColors = {"black",  "white", "red",   "navy",  "blue", "green",  "grey",  "pink",
                                        "purple", "beige", "brown", "olive", "teal", "yellow", "orange"};
constexpr std::array<sv, 9> kScents = {"lavender",  "coconut",    "citrus",     "vanilla", "rose",
                                       "unscented", "eucalyptus", "sandalwood", "mint"};
constexpr std::array<sv, 9> kFlavors = {"vanilla", "chocolate", "caramel",  "almond", "original",
                                        "mint",    "berry",     "cinnamon", "lemon"};
constexpr std::array<sv, 6> kCounts = {"pack of 1", "pack of 2", "pack of 3", "pack of 4", "pack of 6", "pack of 12"};
constexpr std::array<sv, 4> kLengths = {"3 ft", "6 ft", "10 ft", "15 ft"};
constexpr std::array<sv, 4> kScreens = {"13 inch", "14 inch", "15 inch", "17 inch"};
constexpr std::array<sv, 4> kCapacities = {"5000mah", "10000mah", "20000mah", "26800mah"};

enum Kind : uint8_t {
  kApparelSize,
  kShoeSize,
  kBedSize,
  kPlainSize,
  kVolume,
  kColor,
  kScent,
  kFlavor,
  kCount,
  kLength,
  kScreen,
  kCapacity,
  kNone = kNoOption
};

constexpr std::array<OptionKind, 12> kOptionKinds = {{
    {"size", "in size ", "", kApparelSizes},
    {"size", "in size ", "", kShoeSizes},
    {"size", "in ", " size", kBedSizes},
    {"size", "in size ", "", kPlainSizes},
    {"size", "in the ", " size", kVolumes},
    {"color", "in ", " color", kColors},
    {"scent", "with ", " scent", kScents},
    {"flavor", "in ", " flavor", kFlavors},
    {"count", "in a ", "", kCounts},
    {"length", "in ", " length", kLengths},
    {"size", "in ", " size", kScreens},
    {"capacity", "with ", " capacity", kCapacities},
}};

constexpr std::array<sv, 16> kClothingAttributes = {
    "cotton",           "polyester blend",  "merino wool",    "linen",        "fleece lined", "slim fit",
    "relaxed fit",      "machine washable", "long sleeve",    "short sleeve", "breathable",   "stretchy",
    "moisture wicking", "quick dry",        "hand wash only", "wrinkle free"};
constexpr std::array<sv, 12> kFootwearAttributes = {"non slip",        "waterproof",   "lightweight", "memory foam",
                                                    "genuine leather", "rubber sole",  "slip on",     "lace up",
                                                    "breathable mesh", "arch support", "wide width",  "cushioned"};
constexpr std::array<sv, 13> kBeautyAttributes = {"paraben free",
                                                  "cruelty free",
                                                  "vegan",
                                                  "fragrance free",
                                                  "sulfate free",
                                                  "organic",
                                                  "dermatologist tested",
                                                  "long lasting",
                                                  "travel size",
                                                  "for dry skin",
                                                  "for sensitive skin",
                                                  "natural ingredients",
                                                  "hydrating"};
constexpr std::array<sv, 13> kGroceryAttributes = {
    "gluten free", "non gmo",      "sugar free", "keto friendly",        "low carb",
    "organic",     "high protein", "dairy free", "individually wrapped", "kosher",
    "plant based", "low sodium",   "whole grain"};
constexpr std::array<sv, 14> kHomeAttributes = {
    "easy to clean",  "dishwasher safe",  "bpa free",   "non stick",    "stainless steel",
    "bamboo",         "machine washable", "heavy duty", "space saving", "eco friendly",
    "rust resistant", "heat resistant",   "microfiber", "ultra soft"};
constexpr std::array<sv, 13> kElectronicsAttributes = {
    "fast charging", "wireless", "noise cancelling", "waterproof", "shockproof", "long battery life",
    "portable",      "usb c",    "high definition",  "ergonomic",  "compact",    "tangle free",
    "lightweight"};

constexpr std::array<sv, 5> kApparelSuffixes = {"for Men", "for Women", "Unisex", "", "for Everyday Wear"};
constexpr std::array<sv, 4> kBeautySuffixes = {"", "for Women", "for Men", "for Daily Use"};
constexpr std::array<sv, 4> kGrocerySuffixes = {"", "Snack", "Family Size", "Gourmet"};
constexpr std::array<sv, 5> kHomeSuffixes = {"", "for Kitchen", "for Bathroom", "for Bedroom", "for Living Room"};
constexpr std::array<sv, 4> kElectronicsSuffixes = {"", "for Phone", "for Laptop", "for Travel"};

enum CategoryIndex : uint8_t { kClothing, kFootwear, kBeauty, kGrocery, kHome, kElectronics };

constexpr std::array<Category, 6> kCategories = {{
    {"clothing", kClothingAttributes, kApparelSuffixes},
    {"footwear", kFootwearAttributes, kApparelSuffixes},
    {"beauty", kBeautyAttributes, kBeautySuffixes},
    {"grocery", kGroceryAttributes, kGrocerySuffixes},
    {"home and kitchen", kHomeAttributes, kHomeSuffixes},
    {"electronics", kElectronicsAttributes, kElectronicsSuffixes},
}};

constexpr std::array<ProductType, 58> kTypes = {{
    {"t-shirt", false, false, kClothing, {kApparelSize, kColor}, 8, 35},
    {"hoodie", false, false, kClothing, {kApparelSize, kColor}, 20, 70},
    {"sweater", false, false, kClothing, {kApparelSize, kColor}, 20, 90},
    {"jacket", false, false, kClothing, {kApparelSize, kColor}, 30, 160},
    {"jeans", true, false, kClothing, {kApparelSize, kColor}, 20, 90},
    {"leggings", true, false, kClothing, {kApparelSize, kColor}, 10, 45},
    {"dress", false, false, kClothing, {kApparelSize, kColor}, 20, 110},
    {"skirt", false, false, kClothing, {kApparelSize, kColor}, 15, 60},
    {"shorts", true, false, kClothing, {kApparelSize, kColor}, 10, 45},
    {"polo shirt", false, false, kClothing, {kApparelSize, kColor}, 12, 50},
    {"pajama set", false, false, kClothing, {kApparelSize, kColor}, 15, 60},
    {"socks", true, false, kClothing, {kApparelSize, kCount}, 5, 25},
    {"running shoes", true, false, kFootwear, {kShoeSize, kColor}, 30, 150},
    {"sneakers", true, false, kFootwear, {kShoeSize, kColor}, 25, 120},
    {"hiking boots", true, false, kFootwear, {kShoeSize, kColor}, 40, 180},
    {"sandals", true, false, kFootwear, {kShoeSize, kColor}, 12, 60},
    {"slippers", true, false, kFootwear, {kShoeSize, kColor}, 10, 45},
    {"loafers", true, false, kFootwear, {kShoeSize, kColor}, 30, 120},
    {"rain boots", true, false, kFootwear, {kShoeSize, kColor}, 25, 90},
    {"shampoo", false, true, kBeauty, {kScent, kVolume}, 5, 35},
    {"conditioner", false, true, kBeauty, {kScent, kVolume}, 5, 35},
    {"body lotion", false, true, kBeauty, {kScent, kVolume}, 6, 30},
    {"face moisturizer", false, false, kBeauty, {kScent, kVolume}, 8, 60},
    {"body wash", false, true, kBeauty, {kScent, kVolume}, 5, 25},
    {"hair oil", false, true, kBeauty, {kScent, kVolume}, 8, 40},
    {"face serum", false, false, kBeauty, {kScent, kVolume}, 10, 70},
    {"hand cream", false, true, kBeauty, {kScent, kCount}, 5, 25},
    {"lip balm", false, false, kBeauty, {kFlavor, kCount}, 3, 15},
    {"coffee beans", true, false, kGrocery, {kFlavor, kCount}, 8, 40},
    {"green tea", false, true, kGrocery, {kFlavor, kCount}, 4, 25},
    {"granola", false, true, kGrocery, {kFlavor, kCount}, 4, 20},
    {"protein bars", true, false, kGrocery, {kFlavor, kCount}, 10, 45},
    {"trail mix", false, true, kGrocery, {kFlavor, kCount}, 5, 25},
    {"dark chocolate", false, true, kGrocery, {kFlavor, kCount}, 3, 25},
    {"olive oil", false, true, kGrocery, {kVolume, kCount}, 8, 45},
    {"honey", false, true, kGrocery, {kVolume, kCount}, 6, 35},
    {"rice crackers", true, false, kGrocery, {kFlavor, kCount}, 3, 20},
    {"oatmeal", false, true, kGrocery, {kFlavor, kCount}, 3, 20},
    {"bath towel", false, false, kHome, {kColor, kPlainSize}, 8, 50},
    {"bed sheet set", false, false, kHome, {kBedSize, kColor}, 20, 120},
    {"throw pillow cover", false, false, kHome, {kColor, kCount}, 6, 30},
    {"shower curtain", false, false, kHome, {kColor, kNone}, 10, 40},
    {"coffee mug", false, false, kHome, {kColor, kCount}, 6, 35},
    {"water bottle", false, false, kHome, {kColor, kVolume}, 8, 40},
    {"storage basket", false, false, kHome, {kColor, kPlainSize}, 10, 50},
    {"wall clock", false, false, kHome, {kColor, kNone}, 12, 60},
    {"cutting board", false, false, kHome, {kPlainSize, kCount}, 10, 50},
    {"frying pan", false, false, kHome, {kPlainSize, kColor}, 15, 90},
    {"area rug", false, false, kHome, {kColor, kPlainSize}, 30, 200},
    {"phone case", false, false, kElectronics, {kColor, kNone}, 6, 35},
    {"earbuds", true, false, kElectronics, {kColor, kNone}, 15, 150},
    {"charging cable", false, false, kElectronics, {kColor, kLength}, 5, 25},
    {"wall charger", false, false, kElectronics, {kColor, kCount}, 8, 40},
    {"bluetooth speaker", false, false, kElectronics, {kColor, kNone}, 20, 150},
    {"screen protector", false, false, kElectronics, {kCount, kNone}, 5, 20},
    {"laptop sleeve", false, false, kElectronics, {kScreen, kColor}, 12, 45},
    {"power bank", false, false, kElectronics, {kCapacity, kColor}, 15, 70},
    {"computer mouse", false, false, kElectronics, {kColor, kNone}, 10, 60},
}};

constexpr std::array<sv, 24> kSyllables = {"ka",  "lo",  "vi",  "ra",  "ne",  "mo",  "tu",  "zen",
                                           "qui", "por", "lex", "dia", "fin", "sol", "mar", "bel",
                                           "cor", "do",  "ti",  "ver", "ax",  "nu",  "pli", "sa"};

constexpr std::array<sv, 10> kBlurbs = {
    "Made to last through daily use.",
    "A practical choice at a fair price.",
    "Backed by a hassle free return policy.",
    "Makes a thoughtful gift for friends and family.",
    "Customers praise its quality and value.",
    "Carefully inspected before it ships.",
    "Designed with comfort and convenience in mind.",
    "Simple to use right out of the box.",
    "A favorite for home and on the go.",
    "Thoughtfully packaged to arrive in perfect shape.",
};

}  // namespace

std::span<const OptionKind> optionKinds() {
  return kOptionKinds;
}
std::span<const Category> categories() {
  return kCategories;
}
std::span<const ProductType> productTypes() {
  return kTypes;
}
std::span<const std::string_view> brandSyllables() {
  return kSyllables;
}
std::span<const std::string_view> blurbs() {
  return kBlurbs;
}

}  // namespace gigpo::shop
