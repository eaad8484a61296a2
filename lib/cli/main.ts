#!/usr/bin/env node
// The gigpo command line. Exit codes: 0 success, 1 runtime or input error, 2 usage error.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { constants } from 'node:os';

import { COMMANDS } from './commands.js';
import { InterruptedError, UsageError } from './options.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

/** The command `argv` runs ('help X' runs X's help), if it names one. */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.some((c) => c.name === name) ? name : undefined;
}

/**
 * The program for `argv`: the full definition of the command it runs, and every other
 * command as its name and summary only (enough for the top-level help and for rejecting
 * unknown commands). Without `argv`, every command in full.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const wanted = argv === undefined ? undefined : commandOf(argv);
  const program = new Command();
  program
    .name('gigpo')
    .description('Rollout generation and GiGPO/GRPO advantage scoring for training LLM agents')
    .version(version)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const entry of COMMANDS) {
    if (argv === undefined || entry.name === wanted) (await entry.load())(program);
    else program.command(entry.name);
    program.commands[program.commands.length - 1].description(entry.summary);
  }
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      if (err.cause instanceof UsageError) process.stderr.write(`gigpo: ${err.cause.message}\n`);
      return 2;
    }
    if (err instanceof InterruptedError) {
      process.stderr.write(`gigpo: ${err.message}\n`);
      return 128 + (constants.signals[err.signal] ?? 2);
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
