#include "core/options.hpp"

#include <algorithm>
#include <cmath>

#include "core/errors.hpp"

namespace gigpo {

namespace {

std::string integerText(double d) {
  return std::to_string(static_cast<int64_t>(d));
}

}  // namespace

const char* optionKindName(OptionKind kind) {
  switch (kind) {
    case OptionKind::Integer:
      return "integer";
    case OptionKind::Number:
      return "number";
    case OptionKind::Boolean:
      return "boolean";
    case OptionKind::String:
      return "string";
  }
  return "?";
}

const char* profileName(Profile profile) {
  return profile == Profile::Native ? "native" : "verl-agent";
}

OptionSpec integerOption(std::string name, std::optional<int64_t> def, int64_t min, int64_t max,
                         std::string description) {
  OptionSpec s{std::move(name), OptionKind::Integer, std::nullopt, std::move(description)};
  if (def) s.defaultValue = static_cast<double>(*def);
  s.min = static_cast<double>(min);
  s.max = static_cast<double>(max);
  return s;
}

OptionSpec numberOption(std::string name, double def, double min, double max, std::string description) {
  OptionSpec s{std::move(name), OptionKind::Number, def, std::move(description)};
  s.min = min;
  s.max = max;
  return s;
}

OptionSpec booleanOption(std::string name, bool def, std::string description) {
  return OptionSpec{std::move(name), OptionKind::Boolean, def, std::move(description)};
}

OptionSpec stringOption(std::string name, std::optional<std::string> def, std::string description) {
  OptionSpec s{std::move(name), OptionKind::String, std::nullopt, std::move(description)};
  if (def) s.defaultValue = *def;
  return s;
}

OptionSpec choiceOption(std::string name, std::string def, std::vector<std::string> choices, std::string description) {
  OptionSpec s{std::move(name), OptionKind::String, std::move(def), std::move(description)};
  s.choices = std::move(choices);
  return s;
}

OptionReader::OptionReader(const std::string& envName, const Options& options, const std::vector<OptionSpec>& specs)
    : envName_(envName), options_(options), specs_(specs) {
  bool hasProfile = false;
  for (const auto& s : specs) hasProfile = hasProfile || s.name == "profile";
  for (const auto& [name, value] : options) {
    bool known = false;
    for (const auto& s : specs) known = known || s.name == name;
    if (!known) {
      std::string list;
      for (const auto& s : specs) list += (list.empty() ? "" : ", ") + s.name;
      throw TypeError("options." + name + ": unknown option for env '" + envName +
                      "' (known: " + (list.empty() ? "none" : list) + ")");
    }
  }
  if (hasProfile) profile_ = string("profile") == "native" ? Profile::Native : Profile::VerlAgent;
}

std::string OptionReader::where(const std::string& name) const {
  return "options." + name;
}

const OptionSpec& OptionReader::spec(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return s;
  throw TypeError(where(name) + ": not declared by env '" + envName_ + "' (internal error)");
}

const OptionValue* OptionReader::find(const std::string& name) const {
  auto it = options_.find(name);
  return it == options_.end() ? nullptr : &it->second;
}

const OptionValue* OptionReader::fallbackOf(const OptionSpec& s) const {
  if (profile_ == Profile::VerlAgent && s.referenceDefault) return &*s.referenceDefault;
  return s.defaultValue ? &*s.defaultValue : nullptr;
}

int64_t OptionReader::checkedInteger(const OptionSpec& s, double d, double max) const {
  if (!std::isfinite(d) || std::floor(d) != d)
    throw RangeError(where(s.name) + ": expected an integer, got " + std::to_string(d));
  if (d < s.min || d > max)
    throw RangeError(where(s.name) + ": must be in [" + integerText(s.min) + ", " + integerText(max) + "], got " +
                     integerText(d));
  return static_cast<int64_t>(d);
}

int64_t OptionReader::integer(const std::string& name) const {
  const OptionSpec& s = spec(name);
  const OptionValue* v = find(name);
  if (!v) v = fallbackOf(s);
  if (!v) throw TypeError(where(name) + ": has no default (internal error)");
  const double* d = std::get_if<double>(v);
  if (!d) throw TypeError(where(name) + ": expected an integer");
  return checkedInteger(s, *d, s.max);
}

int64_t OptionReader::integerAtMost(const std::string& name, int64_t max) const {
  const OptionSpec& s = spec(name);
  const OptionValue* v = find(name);
  if (!v) v = fallbackOf(s);
  const double* d = v ? std::get_if<double>(v) : nullptr;
  if (!d) throw TypeError(where(name) + ": expected an integer");
  return checkedInteger(s, *d, std::min(s.max, static_cast<double>(max)));
}

int64_t OptionReader::integer(const std::string& name, int64_t fallback) const {
  const OptionSpec& s = spec(name);
  const OptionValue* v = find(name);
  if (!v) return fallback;
  const double* d = std::get_if<double>(v);
  if (!d) throw TypeError(where(name) + ": expected an integer");
  return checkedInteger(s, *d, s.max);
}

double OptionReader::number(const std::string& name) const {
  const OptionSpec& s = spec(name);
  const OptionValue* v = find(name);
  if (!v) v = fallbackOf(s);
  const double* d = v ? std::get_if<double>(v) : nullptr;
  if (!d) throw TypeError(where(name) + ": expected a number");
  if (!std::isfinite(*d) || *d < s.min || *d > s.max)
    throw RangeError(where(name) + ": must be a finite number in [" + std::to_string(s.min) + ", " +
                     std::to_string(s.max) + "], got " + std::to_string(*d));
  return *d;
}

bool OptionReader::boolean(const std::string& name) const {
  const OptionSpec& s = spec(name);
  const OptionValue* v = find(name);
  if (!v) v = fallbackOf(s);
  const bool* b = v ? std::get_if<bool>(v) : nullptr;
  if (!b) throw TypeError(where(name) + ": expected a boolean");
  return *b;
}

std::string OptionReader::string(const std::string& name) const {
  const OptionSpec& s = spec(name);
  const OptionValue* v = find(name);
  if (!v) v = fallbackOf(s);
  if (!v) return "";
  const std::string* str = std::get_if<std::string>(v);
  if (!str) throw TypeError(where(name) + ": expected a string");
  if (s.choices.empty()) return *str;
  for (const auto& c : s.choices)
    if (c == *str) return *str;
  std::string list;
  for (const auto& c : s.choices) list += (list.empty() ? "'" : ", '") + c + "'";
  throw RangeError(where(name) + ": must be one of " + list + ", got '" + *str + "'");
}

OptionSpec profileOption() {
  return choiceOption("profile", "native", {"native", "verl-agent"},
                      "rules to follow: 'native' (this engine's) or 'verl-agent' (the reference's; see docs/ENVS.md)");
}

OptionSpec maxStepsOption(int64_t nativeDefault) {
  return integerOption("maxSteps", nativeDefault, 1, kMaxEpisodeSteps, "truncate an episode after this many steps");
}

OptionSpec requireThinkOption(bool referenceDefault) {
  OptionSpec spec = booleanOption("requireThink", false,
                                  "a response must hold <think>...</think> before its action (native: else it does not "
                                  "parse; verl-agent: else the step is flagged invalid but its action still runs)");
  return referenceDefault ? spec.withReferenceDefault(true) : spec;
}

uint32_t readMaxSteps(const OptionReader& reader) {
  return static_cast<uint32_t>(reader.integer("maxSteps"));
}

bool readRequireThink(const OptionReader& reader) {
  return reader.boolean("requireThink");
}

}  // namespace gigpo
