// gigpo bench: environment stepping through the JS API against the C++ tight-loop limit.
import type { Command } from 'commander';

import { benchEnvStepping } from '../bench/env-step.js';
import type { EnvOptions } from '../envs/env-batch.js';
import { formatTable } from './format.js';
import { collectOption, parseInteger, parseNumber } from './options.js';

interface BenchFlags {
  env: string;
  envs?: number;
  seconds: number;
  rounds: number;
  seed: number;
  option: EnvOptions;
  json?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure environment steps/s through the JS API against the C++ tight loop (the `efficiency` ratio)')
    .option('--env <name>', 'environment', 'sokoban')
    .option('--envs <n>', 'batch size (default: 1, 64, 1024 and 8192)', parseInteger('--envs', 1, 1 << 20))
    .option('--seconds <s>', 'seconds per measurement', parseNumber('--seconds', 0.05, 600), 1)
    .option('--rounds <n>', 'alternating rounds; the median is reported', parseInteger('--rounds', 1, 50), 3)
    .option('--seed <n>', 'base seed', parseInteger('--seed', 0), 1)
    .option('--option <key=value>', 'environment option (repeatable)', collectOption, {})
    .option('--json', 'print one JSON line instead of a table')
    .action((flags: BenchFlags) => {
      const sizes = flags.envs ? [flags.envs] : [1, 64, 1024, 8192];
      const rows = benchEnvStepping({ env: flags.env, sizes, seconds: flags.seconds, rounds: flags.rounds, seed: flags.seed, options: flags.option });
      if (flags.json) {
        const efficiency = rows[rows.length - 1].efficiency;
        console.log(JSON.stringify({ bench: 'env-step', env: flags.env, efficiency, rows }));
        return;
      }
      console.log(
        formatTable(
          ['env', 'N', 'JS API steps/s', 'tight loop steps/s', 'efficiency'],
          rows.map((r) => [r.env, String(r.envs), r.jsStepsPerSecond.toFixed(0), r.tightStepsPerSecond.toFixed(0), (r.efficiency * 100).toFixed(1) + '%']),
        ),
      );
    });
}
