// gigpo serve-env: serve one native env over OpenEnv (HTTP + WebSocket /ws) and AgentGym
// (HTTP) until interrupted. Prints where it listens (one JSON line with --json).
import type { Command } from 'commander';

import type { EnvOptions } from '../envs/env-batch.js';
import { startEnvServer } from '../service/env-server/server.js';
import { collectOption, parseInteger, parseNumber } from './options.js';

interface ServeEnvFlags {
  env: string;
  option: EnvOptions;
  host: string;
  port: number;
  maxSessions: number;
  idleTimeout: number;
  seed: number;
  maxBodyBytes: number;
  maxActionChars: number;
  json?: boolean;
}

export function registerServeEnv(program: Command): void {
  program
    .command('serve-env')
    .description('serve an environment over the OpenEnv (HTTP + WebSocket) and AgentGym (HTTP) protocols')
    .requiredOption('--env <name>', 'environment (see gigpo envs)')
    .option('--option <key=value>', 'environment option (repeatable; see gigpo envs)', collectOption, {})
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .requiredOption('--port <n>', 'port (0: any free port, printed)', parseInteger('--port', 0, 65535))
    .option('--max-sessions <n>', 'concurrent sessions (slots of one native batch)', parseInteger('--max-sessions', 1, 1 << 20), 256)
    .option(
      '--idle-timeout <s>',
      'close a session after this many seconds without requests',
      parseNumber('--idle-timeout', 0.001, 1e9),
      300,
    )
    .option('--seed <n>', 'base seed: task t starts where group t starts in a rollout with this seed', parseInteger('--seed', 0), 0)
    .option('--max-body-bytes <n>', 'largest request body or WebSocket frame', parseInteger('--max-body-bytes', 64, 1 << 30), 1 << 20)
    .option('--max-action-chars <n>', 'longest action text', parseInteger('--max-action-chars', 1, 1 << 28), 16384)
    .option('--json', 'print the listening address as one JSON line')
    .action(async (flags: ServeEnvFlags) => {
      const server = await startEnvServer({
        env: flags.env,
        options: flags.option,
        host: flags.host,
        port: flags.port,
        maxSessions: flags.maxSessions,
        idleTimeoutS: flags.idleTimeout,
        seed: flags.seed,
        maxBodyBytes: flags.maxBodyBytes,
        maxActionChars: flags.maxActionChars,
      });
      process.stdout.write(
        flags.json
          ? JSON.stringify({ event: 'listening', env: server.env, url: server.url, port: server.port }) + '\n'
          : `serving ${server.env} on ${server.url} (OpenEnv: /ws, /reset, /step, /state, /schema, /health, /metadata; ` +
              `AgentGym: /create, /reset, /step, /observation, /available_actions, /detail, /close)\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
