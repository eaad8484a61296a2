// Keeps an environment's read-only shared data (level files, catalogs and their search
// index) across batches created with the same options, so a thread that creates many
// batches (a rollout worker, chunked CLI runs) builds it once. One cache per addon
// instance, i.e. per thread: no locking. The most recently used entries are kept. Only
// data that is a pure function of the options is cached (Environment::kCacheShared), never
// data read from files, which may change between batches.
#pragma once
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "core/options.hpp"

namespace gigpo {

class SharedCache {
 public:
  explicit SharedCache(size_t capacity = 8) : capacity_(capacity) {}

  template <class T>
  std::shared_ptr<const T> get(const std::string& key, const std::function<std::shared_ptr<const T>()>& make) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->key == key) {
        entries_.splice(entries_.begin(), entries_, it);
        return std::static_pointer_cast<const T>(entries_.front().value);
      }
    }
    std::shared_ptr<const T> value = make();
    entries_.push_front({key, value});
    if (entries_.size() > capacity_) entries_.pop_back();
    return value;
  }

  // A key naming an env and its options exactly (options are an ordered map).
  static std::string keyOf(const std::string& env, const Options& options);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const void> value;
  };
  std::list<Entry> entries_;
  size_t capacity_;
};

}  // namespace gigpo
