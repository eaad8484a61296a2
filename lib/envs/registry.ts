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
