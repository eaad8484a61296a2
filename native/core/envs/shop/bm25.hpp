// A BM25 text index (k1 = 1.2, b = 0.75) over a fixed set of documents, built once and
// then only read. Tokens are runs of ASCII letters and digits, lower-cased; everything
// else separates them, and common English stopwords ("a", "for", "the", ...) are dropped. Search scores term at a time
// within blocks of 2048 documents into a small stack array, keeping a bounded top-k heap: it allocates nothing and
// needs no per-env scratch proportional to the catalog.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gigpo::shop {

class Bm25Index {
 public:
  static constexpr int kMaxQueryTerms = 16;  // distinct terms kept from a query, in order
  static constexpr int kMaxResults = 64;

  explicit Bm25Index(std::span<const std::string> documents);

  // The ids of the (at most k <= kMaxResults) best-scoring documents that share a term
  // with the query, best first; equal scores keep document order. Returns their count.
  int search(std::string_view query, uint32_t* out, int k) const;

  uint32_t numDocuments() const { return numDocuments_; }
  uint32_t numTerms() const { return static_cast<uint32_t>(terms_.size()); }
  size_t memoryBytes() const;

 private:
  // Distinct known term ids of the query, in query order; returns their count.
  int queryTerms(std::string_view query, uint32_t* ids) const;
  int64_t find(std::string_view term) const;

  std::vector<std::string> terms_;     // sorted
  std::vector<float> idf_;             // per term
  std::vector<uint32_t> offsets_;      // per term + 1: its postings are [offsets_[t], offsets_[t+1])
  std::vector<uint32_t> postingDocs_;  // increasing within a term
  std::vector<float> postingScores_;   // the term's BM25 score in that document
  uint32_t numDocuments_ = 0;
};

}  // namespace gigpo::shop
