#include "core/registry.hpp"

#include "core/batch_impl.hpp"
#include "core/envs/ezpoints/ezpoints.hpp"
#include "core/envs/frozenlake/frozenlake.hpp"
#include "core/envs/household/household.hpp"
#include "core/envs/numberline/numberline.hpp"
#include "core/envs/points24/points24.hpp"
#include "core/envs/shop/shop.hpp"
#include "core/envs/sokoban/sokoban.hpp"
#include "core/errors.hpp"

namespace gigpo {
namespace {

template <Environment E>
std::unique_ptr<BatchBase> makeOf(const BatchConfig& config, const Options& options, SharedCache* cache) {
  return std::make_unique<Batch<E>>(config, options, cache);
}

template <Environment E>
EnvEntry entry() {
  return EnvEntry{&E::info, &makeOf<E>};
}

}  // namespace

const std::vector<EnvEntry>& envRegistry() {
  static const std::vector<EnvEntry> kEnvs = {
      entry<Sokoban>(),  entry<NumberLine>(), entry<FrozenLake>(), entry<EzPoints>(),
      entry<Points24>(), entry<Household>(),  entry<Shop>(),
  };
  return kEnvs;
}

std::unique_ptr<BatchBase> makeBatch(const std::string& env, const BatchConfig& config, const Options& options,
                                     SharedCache* cache) {
  std::string names;
  for (const auto& e : envRegistry()) {
    if (e.info().name == env) return e.make(config, options, cache);
    names += (names.empty() ? "" : ", ") + e.info().name;
  }
  throw RangeError("env: unknown environment '" + env + "' (known: " + names + ")");
}

}  // namespace gigpo
