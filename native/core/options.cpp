#include "core/options.hpp"

#include <cmath>

#include "core/errors.hpp"

namespace gigpo {

const char* optionKindName(OptionKind kind) {
  switch (kind) {
    case OptionKind::Integer: return "integer";
    case OptionKind::Number: return "number";
    case OptionKind::Boolean: return "boolean";
    case OptionKind::String: return "string";
  }
  return "?";
}

OptionReader::OptionReader(const std::string& envName, const Options& options,
                           const std::vector<OptionSpec>& specs)
    : envName_(envName), options_(options) {
  for (const auto& [name, value] : options) {
    bool known = false;
    for (const auto& spec : specs) known = known || spec.name == name;
    if (!known) {
      std::string list;
      for (const auto& spec : specs) list += (list.empty() ? "" : ", ") + spec.name;
      throw TypeError("options." + name + ": unknown option for env '" + envName + "' (known: " +
                      (list.empty() ? "none" : list) + ")");
    }
  }
}

std::string OptionReader::where(const std::string& name) const { return "options." + name; }

const OptionValue* OptionReader::find(const std::string& name) const {
  auto it = options_.find(name);
  return it == options_.end() ? nullptr : &it->second;
}

int64_t OptionReader::integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const {
  const OptionValue* v = find(name);
  if (!v) return fallback;
  const double* d = std::get_if<double>(v);
  if (!d) throw TypeError(where(name) + ": expected an integer");
  if (!std::isfinite(*d) || std::floor(*d) != *d)
    throw RangeError(where(name) + ": expected an integer, got " + std::to_string(*d));
  if (*d < static_cast<double>(min) || *d > static_cast<double>(max))
    throw RangeError(where(name) + ": must be in [" + std::to_string(min) + ", " + std::to_string(max) +
                     "], got " + std::to_string(static_cast<int64_t>(*d)));
  return static_cast<int64_t>(*d);
}

double OptionReader::number(const std::string& name, double fallback, double min, double max) const {
  const OptionValue* v = find(name);
  if (!v) return fallback;
  const double* d = std::get_if<double>(v);
  if (!d) throw TypeError(where(name) + ": expected a number");
  if (!std::isfinite(*d) || *d < min || *d > max)
    throw RangeError(where(name) + ": must be a finite number in [" + std::to_string(min) + ", " +
                     std::to_string(max) + "], got " + std::to_string(*d));
  return *d;
}

bool OptionReader::boolean(const std::string& name, bool fallback) const {
  const OptionValue* v = find(name);
  if (!v) return fallback;
  const bool* b = std::get_if<bool>(v);
  if (!b) throw TypeError(where(name) + ": expected a boolean");
  return *b;
}

std::string OptionReader::string(const std::string& name, const std::string& fallback) const {
  const OptionValue* v = find(name);
  if (!v) return fallback;
  const std::string* s = std::get_if<std::string>(v);
  if (!s) throw TypeError(where(name) + ": expected a string");
  return *s;
}

std::string OptionReader::choice(const std::string& name, const std::string& fallback,
                                 const std::vector<std::string>& choices) const {
  std::string s = string(name, fallback);
  for (const auto& c : choices)
    if (c == s) return s;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "'" : ", '") + c + "'";
  throw RangeError(where(name) + ": must be one of " + list + ", got '" + s + "'");
}

OptionSpec maxStepsOption(const std::string& defaultValue) {
  return {"maxSteps", OptionKind::Integer, defaultValue, "truncate an episode after this many steps"};
}

OptionSpec requireThinkOption() {
  return {"requireThink", OptionKind::Boolean, "false", "a response must hold <think>...</think> before its action"};
}

uint32_t readMaxSteps(const OptionReader& reader, int64_t fallback) {
  return static_cast<uint32_t>(reader.integer("maxSteps", fallback, 1, kMaxEpisodeSteps));
}

bool readRequireThink(const OptionReader& reader) { return reader.boolean("requireThink", false); }

}  // namespace gigpo
