#include "core/envs/household/household.hpp"

#include "core/envs/household/describe.hpp"
#include "core/envs/household/planner.hpp"
#include "core/rng.hpp"
#include "core/state_key.hpp"
#include "core/text/action_tag.hpp"
#include "core/text/normalize.hpp"
#include "core/text/text_sink.hpp"

namespace gigpo {
namespace {

constexpr std::string_view kNothingHappens = "Nothing happens.";

// "put mug 1 on cabinet 2" and "put mug 1 in/on cabinet 2" name the same command as
// "put mug 1 in cabinet 2": the preposition of a put is not checked.
bool samePut(std::string_view typed, std::string_view command) {
  if (!command.starts_with("put ") || !typed.starts_with("put ")) return false;
  size_t split = command.find(" in ");
  if (split == std::string_view::npos) split = command.find(" on ");
  if (split == std::string_view::npos) return false;
  const std::string_view object = command.substr(0, split + 1), receptacle = command.substr(split + 4);
  if (!typed.starts_with(object)) return false;
  std::string_view rest = typed.substr(object.size());
  for (std::string_view prep : {"in ", "on ", "in/on "})
    if (rest.starts_with(prep)) return rest.substr(prep.size()) == receptacle;
  return false;
}

}  // namespace

const EnvInfo& Household::info() {
  static const EnvInfo kInfo{
      "household",
      "ALFWorld-like text household generated per seed: numbered receptacles (cabinets, drawers, fridge, "
      "microwave, sinkbasin, ...) holding objects, and one of six tasks (pick_and_place, pick_two_and_place, "
      "look_at_obj_in_light, pick_clean_then_place, pick_heat_then_place, pick_cool_then_place). Commands: go to, "
      "open, close, take, put, clean/heat/cool, use desklamp, examine, look, inventory; the observation lists the "
      "admissible ones and action id k is the k-th of them. Reward 10 on completing the task, else 0.",
      {
          profileOption(),
          maxStepsOption(50),
          requireThinkOption(),
      },
      "You are an agent in a household. Complete the task stated in the observation by issuing one admissible "
      "command per step. Reward 10 when the task is done.",
      10,
      true,
      "verl-agent's ALFWorld (env_package/alfworld projection and environment manager)",
      std::nullopt,
      false,
  };
  return kInfo;
}

Household::Config Household::configure(const Options& options) {
  OptionReader r(info().name, options, info().options);
  Config c;
  c.reference = r.reference();
  c.maxSteps = readMaxSteps(r);
  c.requireThink = readRequireThink(r);
  return c;
}

Household::Household(const Config& config, const Shared&) : config_(config) {
  // Sized once so stepping never allocates.
  instruction_.reserve(256);
  feedback_.reserve(kMaxObsBytes);
  commandText_.reserve(kMaxObsBytes);
  typed_.reserve(256);
}

void Household::reset(uint64_t levelSeed, uint64_t) {
  // The dynamics are deterministic: everything follows from the level seed.
  Pcg32 rng(levelSeed);
  household::generateHome(rng, world_);
  task_ = household::drawTask(rng, world_);
  instruction_.clear();
  household::appendInstruction(world_, task_, instruction_);
  feedback_.clear();
  household::appendLook(world_, feedback_);
  stepped_ = false;
  listCommands();
}

void Household::listCommands() {
  numCommands_ = household::admissibleCommands(world_, commands_, config_.reference);
  commandText_.clear();
  for (int32_t k = 0; k < numCommands_; ++k) {
    commandOffsets_[k] = static_cast<uint32_t>(commandText_.size());
    household::appendCommand(world_, commands_[k], commandText_, config_.reference);
  }
  commandOffsets_[numCommands_] = static_cast<uint32_t>(commandText_.size());
}

StepResult Household::step(int32_t action) {
  StepResult r;
  feedback_.clear();
  stepped_ = true;
  if (config_.reference && action == kHelpAction) {
    household::appendHelp(feedback_);
    return r;
  }
  if (action < 0 || action >= numCommands_) {
    feedback_ += kNothingHappens;
    r.valid = config_.reference && action == household::kMaxCommands;
    return r;
  }
  household::execute(world_, commands_[action], feedback_, config_.reference);
  listCommands();
  if (household::solved(world_, task_)) {
    r.reward = kSuccessReward;
    r.done = true;
  }
  return r;
}

size_t Household::render(char* out) const {
  text::TextSink sink(out, kMaxObsBytes);
  if (config_.reference) {
    sink << feedback_;
    if (!stepped_) sink << "\n\nYour task is to: " << instruction_;
    return sink.finish();
  }
  sink << feedback_ << "\nYour task is to: " << instruction_ << "\nAdmissible commands: ";
  for (int32_t k = 0; k < numCommands_; ++k) sink << (k ? ", " : "") << commandText(k);
  return sink.finish();
}

int32_t Household::parse(std::string_view response) {
  if (config_.reference) {
    const auto inner = text::firstActionText(response);
    if (!inner) return kInvalidAction;
    text::normalizeCommand(*inner, typed_);
    int32_t action = typed_ == "help" ? kHelpAction : household::kMaxCommands;
    for (int32_t k = 0; k < numCommands_ && action == household::kMaxCommands; ++k)
      if (commandText(k) == typed_) action = k;
    const bool flagged = (config_.requireThink && !text::hasThinkTags(response)) || text::hasCjkIdeograph(response);
    return flagged ? (action | kFlagInvalid) : action;
  }
  auto text = text::extractAction(response, config_.requireThink);
  if (!text) return kInvalidAction;
  text::normalizeCommand(*text, typed_);
  for (int32_t k = 0; k < numCommands_; ++k)
    if (commandText(k) == typed_ || samePut(typed_, commandText(k))) return k;
  return kInvalidAction;
}

int32_t Household::oracleAction() {
  const household::Command c = household::plan(world_, task_);
  for (int32_t k = 0; k < numCommands_; ++k)
    if (commands_[k] == c) return k;
  return numCommands_ - 1;  // "look": the planner only plans admissible commands
}

std::string Household::actionName(int32_t action) const {
  if (config_.reference && action == kHelpAction) return "help";
  if (action < 0 || action >= numCommands_) return "";
  return std::string(commandText(action));
}

void Household::stateKey(std::string& out) const {
  appendObservation(*this, out);
  const household::World& w = world_;
  appendField(out, w.agentAt);
  appendField(out, w.held);
  appendField(out, w.lampOn);
  for (int r = 0; r < w.numReceptacles; ++r) appendField(out, w.receptacles[r].open);
  for (int k = 0; k < w.numObjects; ++k) {
    const household::Object& o = w.objects[k];
    appendField(out, o.location);
    appendField(out, static_cast<uint8_t>(o.clean | o.hot << 1 | o.cool << 2 | o.sliced << 3));
  }
}

}  // namespace gigpo
