#include "core/envs/shop/bm25.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace gigpo::shop {
namespace {

constexpr float kK1 = 1.2f;
constexpr float kB = 0.75f;
constexpr uint32_t kBlock = 2048;  // documents scored together in search()

// Common English function words, left out of documents and queries as text search
// engines usually do: they carry no meaning here and "for" alone is in most titles.
constexpr std::string_view kStopwords[] = {"a",    "an",   "and",  "are",  "as",   "at",    "be",   "but",   "by",
                                           "for",  "if",   "in",   "into", "is",   "it",    "no",   "not",   "of",
                                           "on",   "or",   "such", "that", "the",  "their", "then", "there", "these",
                                           "they", "this", "to",   "was",  "will", "with"};

bool isStopword(std::string_view token) {
  for (std::string_view w : kStopwords)
    if (w == token) return true;
  return false;
}

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Calls f(token) for each token; `buffer` holds the lower-cased token.
template <class F>
void forEachToken(std::string_view text, char (&buffer)[64], F&& f) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !isWordChar(text[i])) ++i;
    size_t len = 0;
    while (i < text.size() && isWordChar(text[i])) {
      if (len < sizeof buffer) buffer[len] = lower(text[i]);
      ++len, ++i;
    }
    // Tokens longer than the buffer match nothing in this catalog; skip them.
    if (len > 0 && len <= sizeof buffer && !isStopword(std::string_view(buffer, len))) f(std::string_view(buffer, len));
  }
}

float termScore(float idf, uint32_t tf, float norm) {
  const float f = static_cast<float>(tf);
  return idf * f * (kK1 + 1.0f) / (f + norm);
}

struct Hit {
  float score;
  uint32_t doc;
};
// Heap order: the worst hit on top (lower score, or equal score and later document).
bool better(const Hit& a, const Hit& b) {
  return a.score > b.score || (a.score == b.score && a.doc < b.doc);
}

}  // namespace

Bm25Index::Bm25Index(std::span<const std::string> documents) {
  // Pass 1: term ids in first-seen order, per-document (term, count) pairs.
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<std::string> names;
  std::vector<std::vector<std::pair<uint32_t, uint16_t>>> docTerms(documents.size());
  std::vector<uint32_t> lengths(documents.size());
  char buffer[64];
  double totalLength = 0;
  for (size_t d = 0; d < documents.size(); ++d) {
    auto& dt = docTerms[d];
    forEachToken(documents[d], buffer, [&](std::string_view token) {
      auto [it, added] = ids.try_emplace(std::string(token), static_cast<uint32_t>(names.size()));
      if (added) names.emplace_back(token);
      ++lengths[d];
      for (auto& [t, n] : dt)
        if (t == it->second) return void(++n);
      dt.push_back({it->second, 1});
    });
    totalLength += lengths[d];
  }
  // Sort the dictionary so search can binary-search it; remap ids.
  std::vector<uint32_t> order(names.size());
  for (uint32_t t = 0; t < order.size(); ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return names[a] < names[b]; });
  std::vector<uint32_t> rank(names.size());
  for (uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  terms_.resize(names.size());
  for (uint32_t r = 0; r < order.size(); ++r) terms_[r] = std::move(names[order[r]]);

  // Pass 2: postings in compressed rows, documents increasing within a term.
  offsets_.assign(terms_.size() + 1, 0);
  for (const auto& dt : docTerms)
    for (const auto& [t, n] : dt) ++offsets_[rank[t] + 1];
  for (size_t t = 0; t < terms_.size(); ++t) offsets_[t + 1] += offsets_[t];
  postingDocs_.resize(offsets_.back());
  std::vector<uint16_t> freqs(offsets_.back());
  std::vector<uint32_t> fill(offsets_.begin(), offsets_.end() - 1);
  for (size_t d = 0; d < docTerms.size(); ++d)
    for (const auto& [t, n] : docTerms[d]) {
      const uint32_t at = fill[rank[t]]++;
      postingDocs_[at] = static_cast<uint32_t>(d);
      freqs[at] = n;
    }

  const double numDocs = static_cast<double>(documents.size());
  idf_.resize(terms_.size());
  for (size_t t = 0; t < terms_.size(); ++t) {
    const double df = offsets_[t + 1] - offsets_[t];
    idf_[t] = static_cast<float>(std::log(1.0 + (numDocs - df + 0.5) / (df + 0.5)));
  }
  const double meanLength = numDocs > 0 && totalLength > 0 ? totalLength / numDocs : 1.0;
  std::vector<float> norm(documents.size());
  for (size_t d = 0; d < documents.size(); ++d)
    norm[d] = static_cast<float>(kK1 * (1.0 - kB + kB * lengths[d] / meanLength));
  // Each posting's BM25 term score, computed once here rather than in every search.
  postingScores_.resize(offsets_.back());
  for (size_t t = 0; t < terms_.size(); ++t)
    for (uint32_t at = offsets_[t]; at < offsets_[t + 1]; ++at)
      postingScores_[at] = termScore(idf_[t], freqs[at], norm[postingDocs_[at]]);
  numDocuments_ = static_cast<uint32_t>(documents.size());
}

int64_t Bm25Index::find(std::string_view term) const {
  auto it = std::lower_bound(terms_.begin(), terms_.end(), term,
                             [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
  if (it == terms_.end() || *it != term) return -1;
  return it - terms_.begin();
}

int Bm25Index::queryTerms(std::string_view query, uint32_t* ids) const {
  int n = 0;
  char buffer[64];
  forEachToken(query, buffer, [&](std::string_view token) {
    if (n == kMaxQueryTerms) return;
    const int64_t t = find(token);
    if (t < 0) return;
    for (int k = 0; k < n; ++k)
      if (ids[k] == static_cast<uint32_t>(t)) return;
    ids[n++] = static_cast<uint32_t>(t);
  });
  return n;
}

int Bm25Index::search(std::string_view query, uint32_t* out, int k) const {
  uint32_t ids[kMaxQueryTerms], pos[kMaxQueryTerms], end[kMaxQueryTerms];
  const int n = queryTerms(query, ids);
  for (int q = 0; q < n; ++q) pos[q] = offsets_[ids[q]], end[q] = offsets_[ids[q] + 1];
  if (k > kMaxResults) k = kMaxResults;
  Hit heap[kMaxResults];
  int size = 0;
  auto worse = [](const Hit& a, const Hit& b) { return better(a, b); };
  auto offer = [&](const Hit& h) {
    if (size < k) {
      heap[size++] = h;
      std::push_heap(heap, heap + size, worse);
    } else if (k > 0 && better(h, heap[0])) {
      std::pop_heap(heap, heap + size, worse);
      heap[size - 1] = h;
      std::push_heap(heap, heap + size, worse);
    }
  };
  // Term at a time within blocks of document ids: each block's scores accumulate in a
  // small array (scores are > 0, so 0 marks an untouched document). Terms are added in
  // query order, so every document's sum is the same as a document-at-a-time pass.
  float acc[kBlock] = {};
  uint16_t touched[kBlock];
  for (;;) {
    uint32_t first = UINT32_MAX;
    for (int q = 0; q < n; ++q)
      if (pos[q] < end[q] && postingDocs_[pos[q]] < first) first = postingDocs_[pos[q]];
    if (first == UINT32_MAX) break;
    const uint32_t base = first - first % kBlock, limit = base + kBlock;
    int numTouched = 0;
    for (int q = 0; q < n; ++q) {
      for (; pos[q] < end[q] && postingDocs_[pos[q]] < limit; ++pos[q]) {
        const uint32_t at = postingDocs_[pos[q]] - base;
        touched[numTouched] = static_cast<uint16_t>(at);  // branch-free: kept only if new
        numTouched += acc[at] == 0.0f;
        acc[at] += postingScores_[pos[q]];
      }
    }
    for (int t = 0; t < numTouched; ++t) {
      offer({acc[touched[t]], base + touched[t]});
      acc[touched[t]] = 0.0f;
    }
  }
  std::sort(heap, heap + size, better);
  for (int i = 0; i < size; ++i) out[i] = heap[i].doc;
  return size;
}

size_t Bm25Index::memoryBytes() const {
  size_t bytes = sizeof(*this) + terms_.capacity() * sizeof(std::string) + idf_.capacity() * sizeof(float) +
                 offsets_.capacity() * sizeof(uint32_t) + postingDocs_.capacity() * sizeof(uint32_t) +
                 postingScores_.capacity() * sizeof(float);
  for (const std::string& t : terms_)
    if (t.capacity() > 15) bytes += t.capacity() + 1;
  return bytes;
}

}  // namespace gigpo::shop
