// gigpo worker: serve distributed rollout jobs from Redis Streams until interrupted.
import type { Command } from 'commander';

import { runWorker } from '../rollout/distributed/worker.js';
import { parseInteger } from './options.js';

interface WorkerFlags {
  redis: string;
  prefix: string;
  name?: string;
  claimIdleMs: number;
  maxJobs?: number;
  json?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://host:6379')
    .option('--prefix <prefix>', 'key prefix shared with the driver', 'gigpo')
    .option('--name <name>', 'consumer name (default host:pid)')
    .option('--claim-idle-ms <ms>', "take over a dead worker's jobs after this idle time", parseInteger('--claim-idle-ms', 1), 60_000)
    .option('--max-jobs <n>', 'exit after this many jobs', parseInteger('--max-jobs', 1))
    .option('--json', 'log one JSON line per job')
    .action(async (flags: WorkerFlags) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const { jobs } = await runWorker({
          redis: flags.redis,
          prefix: flags.prefix,
          name: flags.name,
          claimIdleMs: flags.claimIdleMs,
          maxJobs: flags.maxJobs,
          signal: controller.signal,
          onJob: (info) =>
            process.stderr.write(
              flags.json ? JSON.stringify({ event: 'job', ...info }) + '\n' : `job ${info.job} of run ${info.run}: ${info.rows} rows in ${info.ms.toFixed(0)} ms\n`,
            ),
        });
        process.stderr.write(flags.json ? JSON.stringify({ event: 'stopped', jobs }) + '\n' : `worker stopped after ${jobs} jobs\n`);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
