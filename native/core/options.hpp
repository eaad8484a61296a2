// Environment options as they arrive from JavaScript (or the bench's command line):
// a flat name -> number | boolean | string map. Each environment declares its options
// once (OptionSpec) and reads them through OptionReader, which checks kinds, ranges and
// unknown names and produces messages that name the option.
#pragma once
#include <cstdint>
#include <map>
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
  std::string defaultValue;  // as text, for listings (`gigpo envs`)
  std::string description;
};

class OptionReader {
 public:
  // Throws TypeError when `options` holds a name that `specs` does not declare.
  OptionReader(const std::string& envName, const Options& options, const std::vector<OptionSpec>& specs);

  int64_t integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  double number(const std::string& name, double fallback, double min, double max) const;
  bool boolean(const std::string& name, bool fallback) const;
  std::string string(const std::string& name, const std::string& fallback) const;
  // A string that must be one of `choices`.
  std::string choice(const std::string& name, const std::string& fallback,
                     const std::vector<std::string>& choices) const;
  bool has(const std::string& name) const { return options_.count(name) != 0; }

 private:
  const OptionValue* find(const std::string& name) const;
  std::string where(const std::string& name) const;

  std::string envName_;
  const Options& options_;
};

const char* optionKindName(OptionKind kind);

// The options every environment has, declared and read the same way everywhere.
constexpr int64_t kMaxEpisodeSteps = int64_t{1} << 30;
OptionSpec maxStepsOption(const std::string& defaultValue);
OptionSpec requireThinkOption();
uint32_t readMaxSteps(const OptionReader& reader, int64_t fallback);
bool readRequireThink(const OptionReader& reader);

}  // namespace gigpo
