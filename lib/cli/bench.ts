// gigpo bench: environment stepping through the JS API against the C++ tight-loop limit.
import type { Command } from 'commander';

import { benchEnvStepping, envSteppingTable } from './bench/env-step.js';
import { benchRollouts } from './bench/rollout.js';
import { createEnvBatch } from '../envs/env-batch.js';
import { oraclePolicy, randomPolicy } from '../policy/native.js';
import type { EnvOptions } from '../envs/env-batch.js';
import { checkEnvName, checkEnvOptions } from './env-flags.js';
import { formatTable } from './format.js';
import { collectOption, parseInteger, parseNumber } from './options.js';

interface BenchFlags {
  env: string;
  envs?: number;
  seconds: number;
  rounds: number;
  seed: number;
  option: EnvOptions;
  threads: number;
  groups: number;
  groupSize: number;
  rollouts: boolean;
  json?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .option('--env <name>', 'environment', 'sokoban')
    .option('--envs <n>', 'batch size (default: 1, 64, 1024 and 8192)', parseInteger('--envs', 1, 1 << 20))
    .option('--seconds <s>', 'seconds per measurement', parseNumber('--seconds', 0.05, 600), 1)
    .option('--rounds <n>', 'alternating rounds; the median is reported', parseInteger('--rounds', 1, 50), 3)
    .option('--seed <n>', 'base seed', parseInteger('--seed', 0), 1)
    .option('--option <key=value>', 'environment option (repeatable)', collectOption, {})
    .option('--threads <n>', 'worker threads for the rollout measurement (compared with 1)', parseInteger('--threads', 1, 256), 2)
    .option('--groups <n>', 'task groups per rollout measurement', parseInteger('--groups', 1, 1 << 20), 128)
    .option('--group-size <n>', 'trajectories per group', parseInteger('--group-size', 1, 1 << 16), 8)
    .option('--no-rollouts', 'measure environment stepping only')
    .option('--json', 'print one JSON line instead of tables')
    .action(async (flags: BenchFlags) => {
      checkEnvName(flags.env);
      checkEnvOptions(flags.env, flags.option);
      const sizes = flags.envs ? [flags.envs] : [1, 64, 1024, 8192];
      const rows = benchEnvStepping({
        env: flags.env,
        sizes,
        seconds: flags.seconds,
        rounds: flags.rounds,
        seed: flags.seed,
        options: flags.option,
      });
      const hasOracle = createEnvBatch({ env: flags.env, numEnvs: 1, options: flags.option }).hasOracle;
      const rollouts = flags.rollouts
        ? await benchRollouts({
            env: flags.env,
            groups: flags.groups,
            groupSize: flags.groupSize,
            policy: hasOracle ? oraclePolicy({ epsilon: 0.3 }) : randomPolicy(),
            threads: flags.threads === 1 ? [1] : [1, flags.threads],
            seed: flags.seed,
            envOptions: flags.option,
          })
        : undefined;
      if (flags.json) {
        const efficiency = rows[rows.length - 1].efficiency;
        console.log(JSON.stringify({ bench: 'env-step', env: flags.env, efficiency, rows, rollouts }));
        return;
      }
      console.log(envSteppingTable(rows));
      if (rollouts) {
        console.log(`\nfull rollouts: ${rollouts.groups} groups x ${rollouts.groupSize}, policy ${rollouts.policy}`);
        console.log(
          formatTable(
            ['threads', 'steps', 'seconds', 'steps/s'],
            rollouts.rows.map((r) => [String(r.threads), String(r.steps), r.seconds.toFixed(3), r.stepsPerSecond.toFixed(0)]),
          ),
        );
        if (rollouts.rows.length > 1) console.log(`${flags.threads} threads / 1 thread: ${rollouts.ratio.toFixed(2)}x`);
      }
    });
}
