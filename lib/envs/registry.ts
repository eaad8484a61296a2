// The environments the engine knows, with their options (from the native registry).
import { native, type NativeEnvInfo } from '../native.js';

export type EnvInfo = NativeEnvInfo;

let cached: EnvInfo[] | undefined;

export function listEnvs(): EnvInfo[] {
  cached ??= native.listEnvs();
  return cached.map((e) => ({ ...e, options: e.options.map((o) => ({ ...o })) }));
}

export function envInfo(name: string): EnvInfo | undefined {
  return listEnvs().find((e) => e.name === name);
}

/**
 * The reward at or above which an episode that ended by the env's rules succeeded, under `profile`
 * (default 'native'); undefined for an env or profile the engine does not know.
 */
export function successRewardOf(env: string, profile: string = 'native'): number | undefined {
  cached ??= native.listEnvs();
  return cached.find((e) => e.name === env)?.profiles.find((p) => p.name === profile)?.successReward;
}
