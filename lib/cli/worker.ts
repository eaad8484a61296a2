// gigpo worker: serve distributed rollout jobs from Redis Streams until interrupted.
import type { Command } from 'commander';

import { DEFAULT_CLAIM_IDLE_MS, runWorker } from '../rollout/distributed/worker.js';
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
    .option(
      '--claim-idle-ms <ms>',
      "take over a silent worker's job after this long (above the longest job's run time, or jobs run twice)",
      parseInteger('--claim-idle-ms', 100),
      DEFAULT_CLAIM_IDLE_MS,
    )
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
              flags.json
                ? JSON.stringify({ event: 'job', ...info }) + '\n'
                : `job ${info.job} of run ${info.run}${info.reclaimed ? ' (reclaimed)' : ''}: ${info.rows} rows in ${info.ms.toFixed(0)} ms\n`,
            ),
          onStatus: (message) =>
            process.stderr.write(flags.json ? JSON.stringify({ event: 'redis', message }) + '\n' : `gigpo worker: ${message}\n`),
        });
        process.stderr.write(flags.json ? JSON.stringify({ event: 'stopped', jobs }) + '\n' : `worker stopped after ${jobs} jobs\n`);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
