#include "core/envs/shop/catalog.hpp"

#include "core/rng.hpp"

namespace gigpo::shop {
namespace {

constexpr uint32_t kNumBrands = 160;

// Distinct ids from distinct indices: a bijective 32-bit mix, keyed by the seed, written
// in base 36 after "B0".
std::array<char, kIdLength> makeId(uint32_t index, uint32_t key) {
  uint32_t x = index * 0x9E3779B1u;
  x ^= x >> 16;
  x *= 0x85EBCA6Bu;
  x ^= x >> 13;
  x ^= key;
  std::array<char, kIdLength> id;
  id[0] = 'B';
  id[1] = '0';
  for (int k = kIdLength - 1; k >= 2; --k) {
    const uint32_t d = x % 36;
    id[k] = static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10);
    x /= 36;
  }
  return id;
}

void appendTitleCase(std::string_view words, std::string& out) {
  bool start = true;
  for (char c : words) {
    out.push_back(start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    start = c == ' ' || c == '-';
  }
}

// k distinct numbers from [0, n), in increasing order (so listings read naturally).
template <size_t N>
void pickDistinct(Pcg32& rng, uint32_t n, uint32_t k, std::array<uint8_t, N>& out) {
  uint64_t chosen = 0;
  for (uint32_t i = 0; i < k; ++i) {
    uint32_t v = rng.below(n - i);
    for (uint32_t j = 0; j <= v; ++j)
      if (chosen >> j & 1u) ++v;  // skip the taken ones: v-th free number
    chosen |= uint64_t{1} << v;
  }
  uint32_t m = 0;
  for (uint32_t v = 0; v < n; ++v)
    if (chosen >> v & 1u) out[m++] = static_cast<uint8_t>(v);
}

}  // namespace

Catalog::Catalog(uint64_t seed, uint32_t size) {
  Pcg32 rng(seed);
  const uint32_t key = rng.next();
  auto syllables = brandSyllables();
  brands_.reserve(kNumBrands);
  for (uint32_t b = 0; b < kNumBrands; ++b) {
    std::string name;
    const uint32_t parts = 2 + rng.below(2);
    for (uint32_t s = 0; s < parts; ++s) name += syllables[rng.below(static_cast<uint32_t>(syllables.size()))];
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    brands_.push_back(std::move(name));
  }

  auto types = productTypes();
  products_.resize(size);
  for (uint32_t i = 0; i < size; ++i) {
    Product& p = products_[i];
    p.id = makeId(i, key);
    p.type = static_cast<uint8_t>(rng.below(static_cast<uint32_t>(types.size())));
    const ProductType& t = types[p.type];
    const Category& c = categories()[t.category];
    p.brand = static_cast<uint16_t>(rng.below(kNumBrands));
    p.numAttributes = static_cast<uint8_t>(2 + rng.below(kMaxAttributes - 1));
    pickDistinct(rng, static_cast<uint32_t>(c.attributes.size()), p.numAttributes, p.attributes);
    for (int s = 0; s < kMaxOptionKindsPerType; ++s) {
      if (t.options[s] == kNoOption) continue;
      const auto n = static_cast<uint32_t>(optionKinds()[t.options[s]].values.size());
      const uint32_t maxOffered = n < kMaxOptionValues ? n : kMaxOptionValues;
      p.numValues[s] = static_cast<uint8_t>(2 + rng.below(maxOffered - 1));
      pickDistinct(rng, n, p.numValues[s], p.values[s]);
    }
    // Prices end in .99 or .49.
    const uint32_t dollars = t.minPrice + rng.below(t.maxPrice - t.minPrice + 1u);
    p.priceCents = (dollars - 1) * 100 + (rng.below(2) ? 99 : 49);
    p.blurb = static_cast<uint8_t>(rng.below(static_cast<uint32_t>(blurbs().size())));

    // "Brand [Attribute] [Attribute] Noun [Suffix]": the title shows up to two attributes.
    p.title = brands_[p.brand];
    std::array<uint8_t, 2> shown;
    const uint32_t numShown = rng.below(3);
    pickDistinct(rng, p.numAttributes, numShown, shown);
    for (uint32_t k = 0; k < numShown; ++k) {
      p.title += ' ';
      appendTitleCase(attribute(p, shown[k]), p.title);
    }
    p.title += ' ';
    appendTitleCase(t.noun, p.title);
    const std::string_view suffix = c.suffixes[rng.below(static_cast<uint32_t>(c.suffixes.size()))];
    if (!suffix.empty()) p.title.append(" ").append(suffix);
  }
}

std::string Catalog::searchText(uint32_t i) const {
  const Product& p = products_[i];
  std::string text = p.title;
  for (int k = 0; k < p.numAttributes; ++k) text.append(" ").append(attribute(p, k));
  return text;
}

size_t Catalog::memoryBytes() const {
  size_t bytes = sizeof(*this) + products_.capacity() * sizeof(Product) + brands_.capacity() * sizeof(std::string);
  for (const Product& p : products_)
    if (p.title.capacity() > 15) bytes += p.title.capacity() + 1;  // beyond the small-string buffer
  for (const std::string& b : brands_)
    if (b.capacity() > 15) bytes += b.capacity() + 1;
  return bytes;
}

}  // namespace gigpo::shop
