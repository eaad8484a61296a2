#include "bind/envs_list.hpp"

#include "core/registry.hpp"

namespace gigpo::bind {

Napi::Value listEnvs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& registry = envRegistry();
  Napi::Array out = Napi::Array::New(env, registry.size());
  for (size_t i = 0; i < registry.size(); ++i) {
    const EnvInfo& e = registry[i].info();
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", e.name);
    o.Set("description", e.description);
    Napi::Array options = Napi::Array::New(env, e.options.size());
    for (size_t k = 0; k < e.options.size(); ++k) {
      Napi::Object opt = Napi::Object::New(env);
      opt.Set("name", e.options[k].name);
      opt.Set("kind", optionKindName(e.options[k].kind));
      opt.Set("default", e.options[k].defaultValue);
      opt.Set("description", e.options[k].description);
      options.Set(k, opt);
    }
    o.Set("options", options);
    out.Set(i, o);
  }
  return out;
}

}  // namespace gigpo::bind
