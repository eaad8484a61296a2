#include "core/io/text_intern.hpp"

#include <cstring>

#include "core/hash.hpp"

namespace gigpo::io {

void TextIntern::clear() {
  offsets_.assign(1, 0);
  data_.clear();
  hashes_.clear();
  if (++generation_ == 0) {  // wrapped: every old stamp could match again
    for (Slot& s : slots_) s.generation = 0;
    generation_ = 1;
  }
}

// The slot holding the equal text, or the empty slot where it belongs.
size_t TextIntern::find(uint64_t hash, const char* text, size_t length) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.generation != generation_) return i;
    if (hashes_[s.index] == hash && offsets_[s.index + 1] - offsets_[s.index] == length &&
        (length == 0 || std::memcmp(data_.data() + offsets_[s.index], text, length) == 0))
      return i;
  }
}

void TextIntern::grow() {
  std::vector<Slot> bigger(slots_.empty() ? 1024 : slots_.size() * 2, Slot{0, 0});
  slots_.swap(bigger);  // fresh slots hold generation 0: empty
  const size_t mask = slots_.size() - 1;
  for (uint32_t e = 0; e < hashes_.size(); e++) {
    size_t i = hashes_[e] & mask;
    while (slots_[i].generation == generation_) i = (i + 1) & mask;
    slots_[i] = Slot{e, generation_};
  }
}

uint32_t TextIntern::commit() {
  const size_t start = offsets_.back();
  const size_t length = data_.size() - start;
  const char* text = data_.data() + start;
  const uint64_t hash = hash64(text, length);
  if ((hashes_.size() + 1) * 2 > slots_.size()) grow();
  const size_t i = find(hash, text, length);
  if (slots_[i].generation == generation_) {
    data_.truncate(start);
    return slots_[i].index;
  }
  if (data_.size() >= kTooLarge) {
    data_.truncate(start);
    return kTooLarge;
  }
  const auto index = static_cast<uint32_t>(hashes_.size());
  slots_[i] = Slot{index, generation_};
  hashes_.push_back(hash);
  offsets_.push_back(static_cast<uint32_t>(data_.size()));
  return index;
}

void TextIntern::truncate(size_t count) {
  // Linear probing: removing the latest insertions, newest first, restores the table exactly.
  const size_t mask = slots_.size() - 1;
  for (size_t e = hashes_.size(); e-- > count;) {
    size_t i = hashes_[e] & mask;
    while (!(slots_[i].generation == generation_ && slots_[i].index == e)) i = (i + 1) & mask;
    slots_[i].generation = 0;
  }
  hashes_.resize(count);
  offsets_.resize(count + 1);
  data_.truncate(offsets_.back());
}

}  // namespace gigpo::io
