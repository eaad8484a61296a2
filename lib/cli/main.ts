#!/usr/bin/env node
// The gigpo command line. Exit codes: 0 success, 1 runtime or input error, 2 usage error.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';

import { registerBench } from './bench.js';
import { registerEnvs } from './envs.js';
import { registerInspect } from './inspect.js';
import { registerRollout } from './rollout.js';
import { registerScore } from './score.js';
import { registerServe } from './serve.js';
import { registerWorker } from './worker.js';
import { UsageError } from './options.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('gigpo')
    .description('Rollout generation and GiGPO/GRPO advantage scoring for training LLM agents')
    .version(version)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerEnvs(program);
  registerRollout(program);
  registerBench(program);
  registerScore(program);
  registerInspect(program);
  registerWorker(program);
  registerServe(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      if (err.cause instanceof UsageError) process.stderr.write(`gigpo: ${err.cause.message}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`gigpo: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`gigpo: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

// A reader that goes away (`gigpo ... | head`) must not crash the process with an
// unhandled 'error' event; writes of data to stdout fail through their own listener.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

process.exitCode = await main(process.argv.slice(2));
