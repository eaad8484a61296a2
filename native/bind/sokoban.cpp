#include "bind/sokoban.hpp"

#include <string>
#include <vector>

#include "bind/args.hpp"
#include "core/envs/sokoban/boxoban_file.hpp"
#include "core/envs/sokoban/level_text.hpp"
#include "core/envs/sokoban/render.hpp"
#include "core/envs/sokoban/solver.hpp"

namespace gigpo::bind {

using namespace gigpo::sokoban;

Napi::Value solveSokoban(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string text = requireString(info, 0, "level");
  uint64_t budget = Solver::kDefaultBudget;
  if (!info[1].IsUndefined()) {
    Napi::Object options = requireObject(info, 1, "options");
    Napi::Array keys = options.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      const std::string key = keys.Get(i).ToString().Utf8Value();
      if (key != "nodeBudget") throwType(env, "options." + key + ": unknown option (known: nodeBudget)");
    }
    budget = static_cast<uint64_t>(integerProperty(options, "nodeBudget", "options", static_cast<int64_t>(budget), 1,
                                                   static_cast<int64_t>(Solver::kMaxBudget)));
  }
  // A malformed level string is a bad argument: RangeError naming it.
  Grid level;
  try {
    level = parseLevelText(text, "level");
  } catch (const FormatError& e) {
    throwRange(env, e.what());
  }
  SolveResult result = guarded(env, [&] { return Solver().solve(level, budget); });

  Napi::Object out = Napi::Object::New(env);
  out.Set("solved", result.solved);
  if (result.solved) {
    auto plan = Napi::Int32Array::New(env, result.plan.size());
    for (size_t i = 0; i < result.plan.size(); ++i) plan[i] = result.plan[i];
    out.Set("plan", plan);
  } else {
    out.Set("plan", env.Null());
  }
  out.Set("moves", static_cast<double>(result.plan.size()));
  out.Set("pushes", static_cast<double>(result.pushes));
  out.Set("nodesExpanded", static_cast<double>(result.nodesExpanded));
  out.Set("nodesGenerated", static_cast<double>(result.nodesGenerated));
  out.Set("budgetExhausted", result.budgetExhausted);
  return out;
}

Napi::Value readBoxobanLevels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = requireString(info, 0, "path");
  std::vector<Grid> levels = guarded(env, [&] { return readBoxobanFile(path, "path"); });
  Napi::Array out = Napi::Array::New(env, levels.size());
  std::string buffer;
  for (size_t i = 0; i < levels.size(); ++i) {
    buffer.resize(maxRenderBytes(levels[i].width, levels[i].height, Symbols::Boxoban));
    buffer.resize(render(levels[i], Symbols::Boxoban, buffer.data()));
    out.Set(static_cast<uint32_t>(i), Napi::String::New(env, buffer));
  }
  return out;
}

}  // namespace gigpo::bind
