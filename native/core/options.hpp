// Environment options as they arrive from JavaScript (or the bench's command line):
// a flat name -> number | boolean | string map. Each environment declares its options
// once (OptionSpec: kind, default, range, choices) and reads them through OptionReader,
// which takes defaults and ranges from those specs, checks kinds, ranges and unknown
// names, and produces messages that name the option. `gigpo envs` and listEnvs() show
// the same specs, so a default or a range is written in one place only.
//
// Profiles: every environment has the option `profile` ('native' or 'verl-agent'). A
// spec may carry a second default for the 'verl-agent' profile (referenceDefault); the
// reader returns the default of the profile the options select.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gigpo {

using OptionValue = std::variant<double, bool, std::string>;
using Options = std::map<std::string, OptionValue>;

enum class OptionKind { Integer, Number, Boolean, String };

struct OptionSpec {
  std::string name;
  OptionKind kind;
  // The default; nullopt when there is none (the option is off unless given) or when it
  // is derived from other options (then defaultNote says how).
  std::optional<OptionValue> defaultValue;
  std::string description;
  double min = 0, max = 0;                      // Integer and Number: the inclusive range
  std::vector<std::string> choices;             // String: the allowed values (empty = any string)
  std::optional<OptionValue> referenceDefault;  // the default under profile 'verl-agent'
  std::string defaultNote;                      // a derived default, in words ("2*maxPosition")

  OptionSpec withReferenceDefault(OptionValue v) const {
    OptionSpec s = *this;
    s.referenceDefault = std::move(v);
    return s;
  }
  OptionSpec derivedDefault(std::string note) const {
    OptionSpec s = *this;
    s.defaultValue.reset();
    s.defaultNote = std::move(note);
    return s;
  }
};

OptionSpec integerOption(std::string name, std::optional<int64_t> def, int64_t min, int64_t max,
                         std::string description);
OptionSpec numberOption(std::string name, double def, double min, double max, std::string description);
OptionSpec booleanOption(std::string name, bool def, std::string description);
// A free string; no default when `def` is nullopt.
OptionSpec stringOption(std::string name, std::optional<std::string> def, std::string description);
OptionSpec choiceOption(std::string name, std::string def, std::vector<std::string> choices, std::string description);

enum class Profile { Native, VerlAgent };

class OptionReader {
 public:
  // Throws TypeError when `options` holds a name that `specs` does not declare. Reads the
  // `profile` option first when `specs` declares it.
  OptionReader(const std::string& envName, const Options& options, const std::vector<OptionSpec>& specs);

  // Each reads `name` with the spec's default (of the selected profile) and range; the
  // overloads with `fallback` are for options whose default is derived from others.
  int64_t integer(const std::string& name) const;
  int64_t integer(const std::string& name, int64_t fallback) const;
  // With an upper bound below the spec's that depends on other options.
  int64_t integerAtMost(const std::string& name, int64_t max) const;
  double number(const std::string& name) const;
  bool boolean(const std::string& name) const;
  // A string; a spec with choices requires one of them. "" when absent without default.
  std::string string(const std::string& name) const;
  bool has(const std::string& name) const { return options_.count(name) != 0; }
  Profile profile() const { return profile_; }
  bool reference() const { return profile_ == Profile::VerlAgent; }

 private:
  const OptionSpec& spec(const std::string& name) const;
  const OptionValue* find(const std::string& name) const;
  const OptionValue* fallbackOf(const OptionSpec& s) const;
  std::string where(const std::string& name) const;
  int64_t checkedInteger(const OptionSpec& s, double d, double max) const;

  std::string envName_;
  const Options& options_;
  const std::vector<OptionSpec>& specs_;
  Profile profile_ = Profile::Native;
};

const char* optionKindName(OptionKind kind);
const char* profileName(Profile profile);

// The options every environment has, declared and read the same way everywhere.
constexpr int64_t kMaxEpisodeSteps = int64_t{1} << 30;
OptionSpec profileOption();
OptionSpec maxStepsOption(int64_t nativeDefault);
// referenceDefault: its default under profile verl-agent (whose text envs require it).
OptionSpec requireThinkOption(bool referenceDefault = true);
uint32_t readMaxSteps(const OptionReader& reader);
bool readRequireThink(const OptionReader& reader);

}  // namespace gigpo
