// Runs the C++ tight-loop bench (build/Release/gigpo-tightloop): the same core batch code
// stepped with no JavaScript boundary, the throughput limit the JS API is compared with.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { EnvOptions } from '../../envs/env-batch.js';
import { packageRoot } from '../../native.js';

export interface TightLoopResult {
  env: string;
  envs: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
}

export const tightLoopPath = join(packageRoot, 'build', 'Release', 'gigpo-tightloop');

export function runTightLoop(env: string, numEnvs: number, seconds: number, seed: number, options: EnvOptions = {}): TightLoopResult {
  if (!existsSync(tightLoopPath))
    throw new Error(
      `the tight-loop bench is not built (${tightLoopPath}): build it with 'npm run build:native' in a checkout, or 'GIGPO_BUILD_BENCH=1 npm rebuild gigpo-engine' in an install`,
    );
  const args = ['--env', env, '--envs', String(numEnvs), '--seconds', String(seconds), '--seed', String(seed)];
  for (const [k, v] of Object.entries(options)) args.push('--option', `${k}=${String(v)}`);
  const r = spawnSync(tightLoopPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gigpo-tightloop failed: ${r.stderr.trim() || r.error?.message || `exit ${r.status}`}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TightLoopResult;
}
