// gigpo serve: the rollout service for trainers (docs/SERVICE.md) until SIGTERM / SIGINT,
// which stop it gracefully: running rollouts end after their current chunk with a
// summary, streams stop, the port closes, the process exits 0.
import type { Command } from 'commander';

import { LocalGroupRunner, type GroupRunner } from '../service/rollout/group-runner.js';
import { DEFAULT_LIMITS } from '../service/rollout/limits.js';
import { RolloutServer } from '../service/rollout/server.js';
import { parseInteger } from './options.js';

interface ServeFlags {
  host: string;
  port: number;
  threads: number;
  redis?: string;
  prefix: string;
  redisTimeoutMs: number;
  maxStreams: number;
  maxRollouts: number;
  maxBufferGroups: number;
  maxBatchRows: number;
  json?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve rollouts and continuous scored-batch streams to trainers over HTTP (docs/SERVICE.md)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port, printed at start)', parseInteger('--port', 0, 65535), 8077)
    .option('--threads <n>', 'worker threads for native policies', parseInteger('--threads', 1, 256), 1)
    .option('--redis <url>', 'hand group jobs to `gigpo worker` processes through this Redis (native policies)')
    .option('--prefix <prefix>', 'with --redis: key prefix shared with the workers', 'gigpo')
    .option(
      '--redis-timeout-ms <ms>',
      'with --redis: fail the jobs waiting (503) after Redis has been unreachable this long',
      parseInteger('--redis-timeout-ms', 100, 2 ** 31 - 1),
      30_000,
    )
    .option('--max-streams <n>', 'streams open at once', parseInteger('--max-streams', 1, 1 << 16), DEFAULT_LIMITS.maxStreams)
    .option(
      '--max-rollouts <n>',
      '/v1/rollouts requests running at once',
      parseInteger('--max-rollouts', 1, 1 << 16),
      DEFAULT_LIMITS.maxRollouts,
    )
    .option(
      '--max-buffer-groups <n>',
      'largest bufferGroups of a stream',
      parseInteger('--max-buffer-groups', 1, 1 << 24),
      DEFAULT_LIMITS.maxBufferGroups,
    )
    .option(
      '--max-batch-rows <n>',
      'largest rows of one batch request',
      parseInteger('--max-batch-rows', 1, 1 << 28),
      DEFAULT_LIMITS.maxBatchRows,
    )
    .option('--json', 'log events as JSON lines')
    .action(async (flags: ServeFlags) => {
      const log = (event: string, text: string, fields: Record<string, unknown> = {}) =>
        process.stderr.write(flags.json ? `${JSON.stringify({ event, ...fields })}\n` : `gigpo serve: ${text}\n`);
      const runner: GroupRunner = await runnerOf(flags, (message) => log('redis', message, { message }));
      const server = await RolloutServer.start({
        runner,
        host: flags.host,
        port: flags.port,
        limits: {
          maxStreams: flags.maxStreams,
          maxRollouts: flags.maxRollouts,
          maxBufferGroups: flags.maxBufferGroups,
          maxBatchRows: flags.maxBatchRows,
        },
        describe: { threads: flags.threads, transport: flags.redis ? 'redis' : 'local' },
      });
      log('listening', `listening on ${server.url}`, { url: server.url });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log('stopping', `${signal}: stopping`, { signal });
          server.shutdown().then(resolve, (err) => {
            log('error', `shutdown failed: ${(err as Error).message}`, { message: (err as Error).message });
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      log('stopped', 'stopped');
    });
}

async function runnerOf(flags: ServeFlags, onStatus: (message: string) => void): Promise<GroupRunner> {
  if (!flags.redis) return new LocalGroupRunner({ threads: flags.threads });
  const { RedisGroupRunner } = await import('../service/rollout/redis-runner.js');
  return RedisGroupRunner.connect({
    redis: flags.redis,
    prefix: flags.prefix,
    redisTimeoutMs: flags.redisTimeoutMs,
    onStatus,
    local: new LocalGroupRunner({ threads: flags.threads }),
  });
}
