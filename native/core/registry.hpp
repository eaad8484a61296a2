// The list of environments the engine knows. Adding an environment = one line in
// registry.cpp (its header and an entry in kEnvs).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/batch.hpp"

namespace gigpo {

struct EnvEntry {
  const EnvInfo& (*info)();
  std::unique_ptr<BatchBase> (*make)(const BatchConfig&, const Options&, SharedCache*);
};

const std::vector<EnvEntry>& envRegistry();

}  // namespace gigpo
