#include "core/shared_cache.hpp"

#include <cstdio>

namespace gigpo {

std::string SharedCache::keyOf(const std::string& env, const Options& options) {
  std::string key = env;
  for (const auto& [name, value] : options) {
    key += '\0';
    key += name;
    key += '=';
    if (const double* d = std::get_if<double>(&value)) {
      char text[32];
      std::snprintf(text, sizeof text, "n%.17g", *d);
      key += text;
    } else if (const bool* b = std::get_if<bool>(&value)) {
      key += *b ? "btrue" : "bfalse";
    } else {
      key += 's';
      key += std::get<std::string>(value);
    }
  }
  return key;
}

}  // namespace gigpo
