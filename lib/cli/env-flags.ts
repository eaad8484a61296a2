// The --env and --option flags shared by rollout and bench: an unknown env or a bad option
// value is a usage error (exit code 2), found before any output is opened.
import { createEnvBatch, type EnvOptions } from '../envs/env-batch.js';
import { listEnvs } from '../envs/registry.js';
import { UsageError } from './options.js';

export function checkEnvName(env: string): void {
  const names = listEnvs().map((e) => e.name);
  if (!names.includes(env)) throw new UsageError(`--env: unknown environment '${env}' (known: ${names.join(', ')})`);
}

/** Checks every option (and reads a levels file) once by creating a batch of one env. */
export function checkEnvOptions(env: string, options: EnvOptions): void {
  try {
    createEnvBatch({ env, numEnvs: 1, options });
  } catch (err) {
    // Option values are usage errors; a level file that cannot be read or parsed is an input error.
    if ((err instanceof TypeError || err instanceof RangeError) && !err.message.startsWith('options.levels:'))
      throw new UsageError(`--option: ${err.message}`);
    throw err;
  }
}
