// The commands of `gigpo`: name, one-line summary, and the module that defines the command.
// main.ts loads only the module of the command being run (so `gigpo --help` and `gigpo score`
// do not load the rollout engine, Redis or the thread pool); the summaries alone make the
// top-level help. A new command is one row here.
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  summary: string;
  /** Loads the module and adds the command (its arguments, options and action) to `program`. */
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'envs', summary: 'list the environments and their options', load: async () => (await import('./envs.js')).registerEnvs },
  {
    name: 'rollout',
    summary: 'run task groups with a policy and write every step (.msgpack chunks of complete groups, or .jsonl)',
    load: async () => (await import('./rollout.js')).registerRollout,
  },
  {
    name: 'bench',
    summary: 'measure environment steps/s through the JS API against the C++ tight loop (the `efficiency` ratio)',
    load: async () => (await import('./bench.js')).registerBench,
  },
  {
    name: 'score',
    summary: 'compute advantages for a JSONL or msgpack file of trajectories (- for stdin) and write scored rows',
    load: async () => (await import('./score.js')).registerScore,
  },
  {
    name: 'inspect',
    summary: 'summarise a rollout or scored file: rows, groups, success rate, returns, step groups',
    load: async () => (await import('./inspect.js')).registerInspect,
  },
  {
    name: 'worker',
    summary: 'run distributed rollout jobs (one task group each) from Redis Streams until interrupted',
    load: async () => (await import('./worker.js')).registerWorker,
  },
  {
    name: 'serve',
    summary: 'serve rollouts and continuous scored-batch streams to trainers over HTTP (docs/SERVICE.md)',
    load: async () => (await import('./serve.js')).registerServe,
  },
  {
    name: 'serve-env',
    summary: 'serve an environment over the OpenEnv (HTTP + WebSocket) and AgentGym (HTTP) protocols',
    load: async () => (await import('./serve-env.js')).registerServeEnv,
  },
];
