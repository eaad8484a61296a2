#include "bind/envs_list.hpp"

#include "core/registry.hpp"

namespace gigpo::bind {

namespace {

Napi::Value valueOf(Napi::Env env, const std::optional<OptionValue>& v) {
  if (!v) return env.Null();
  if (const double* d = std::get_if<double>(&*v)) return Napi::Number::New(env, *d);
  if (const bool* b = std::get_if<bool>(&*v)) return Napi::Boolean::New(env, *b);
  return Napi::String::New(env, std::get<std::string>(*v));
}

Napi::Object optionOf(Napi::Env env, const OptionSpec& spec) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", spec.name);
  o.Set("kind", optionKindName(spec.kind));
  o.Set("default", valueOf(env, spec.defaultValue));
  o.Set("description", spec.description);
  if (spec.kind == OptionKind::Integer || spec.kind == OptionKind::Number) {
    o.Set("min", spec.min);
    o.Set("max", spec.max);
  }
  if (!spec.choices.empty()) {
    Napi::Array choices = Napi::Array::New(env, spec.choices.size());
    for (size_t k = 0; k < spec.choices.size(); ++k) choices.Set(k, spec.choices[k]);
    o.Set("choices", choices);
  }
  if (spec.referenceDefault) o.Set("verlAgentDefault", valueOf(env, spec.referenceDefault));
  if (!spec.defaultNote.empty()) o.Set("defaultNote", spec.defaultNote);
  return o;
}

Napi::Object profileOf(Napi::Env env, const EnvInfo& e, bool reference) {
  Napi::Object p = Napi::Object::New(env);
  p.Set("name", reference ? "verl-agent" : "native");
  p.Set("successReward", reference && e.referenceSuccessReward ? *e.referenceSuccessReward : e.successReward);
  p.Set("observationListsActions",
        reference && e.referenceListsActions ? *e.referenceListsActions : e.observationListsActions);
  if (reference) p.Set("reference", e.reference);
  return p;
}

}  // namespace

Napi::Value listEnvs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& registry = envRegistry();
  Napi::Array out = Napi::Array::New(env, registry.size());
  for (size_t i = 0; i < registry.size(); ++i) {
    const EnvInfo& e = registry[i].info();
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", e.name);
    o.Set("description", e.description);
    o.Set("task", e.task);
    o.Set("successReward", e.successReward);
    o.Set("observationListsActions", e.observationListsActions);
    Napi::Array options = Napi::Array::New(env, e.options.size());
    for (size_t k = 0; k < e.options.size(); ++k) options.Set(k, optionOf(env, e.options[k]));
    o.Set("options", options);
    Napi::Array profiles = Napi::Array::New(env, 2);
    profiles.Set(0u, profileOf(env, e, false));
    profiles.Set(1u, profileOf(env, e, true));
    o.Set("profiles", profiles);
    out.Set(i, o);
  }
  return out;
}

}  // namespace gigpo::bind
