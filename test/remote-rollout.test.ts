// env 'remote' against our own env server: a rollout through OpenEnv's WebSocket or AgentGym's
// HTTP routes equals the in-process rollout of the same env, seed and policy row for row
// (anchors, rewards, dones, observations, responses); plus the options' typed errors.
import { afterAll, describe, expect, it } from 'vitest';

import {
  GigpoArgumentError,
  randomPolicy,
  RolloutEngine,
  RolloutPool,
  startEnvServer,
  type EnvServer,
  type RemoteProtocol,
  type RolloutMeta,
  type StepBatch,
} from '../lib/index.js';
import { listedActionPolicy, plainRows } from './helpers/remote-rollouts.js';

const SEED = 7;
const metaOf = (batch: StepBatch): RolloutMeta => batch.meta as unknown as RolloutMeta;
const engine = new RolloutEngine();
const servers = new Map<string, EnvServer>();
afterAll(async () => {
  for (const s of servers.values()) await s.close();
});

async function serverOf(env: string): Promise<EnvServer> {
  const known = servers.get(env);
  if (known) return known;
  const s = await startEnvServer({ env, seed: SEED });
  servers.set(env, s);
  return s;
}

describe("env 'remote' round trip", () => {
  const cases: [string, RemoteProtocol][] = [];
  for (const env of ['sokoban', 'household', 'shop', 'numberline'])
    for (const protocol of ['openenv', 'agentgym'] as const) cases.push([env, protocol]);

  it.each(cases)('%s over %s equals the in-process rollout row for row', async (env, protocol) => {
    const server = await serverOf(env);
    const policy = listedActionPolicy();
    const remote = await engine.collect({
      env: 'remote',
      remote: { url: server.url, protocol, envName: env },
      groups: 3,
      groupSize: 3,
      policy,
    });
    const local = await engine.collect({ env, groups: 3, groupSize: 3, policy, seed: SEED });
    expect(local.numRows).toBeGreaterThan(9);
    expect(plainRows(remote)).toEqual(plainRows(local));
    expect(metaOf(remote).metrics).toMatchObject({
      envErrors: 0,
      droppedGroups: 0,
      trajectories: 9,
      successRate: metaOf(local).metrics.successRate,
    });
    expect(metaOf(remote).remote).toEqual({ url: server.url, protocol, tasks: [0, 1, 2], retries: 0, failures: {} });
    expect(server.sessions()).toBe(0); // every session closed at the end
  });

  it('plays the listed tasks, firstGroup shards and a step limit as in process', async () => {
    const server = await serverOf('household');
    const policy = listedActionPolicy();
    const remote = await engine.collect({
      env: 'remote',
      remote: { url: server.url, protocol: 'agentgym', envName: 'household', tasks: [5, 2] },
      groups: 2,
      groupSize: 2,
      maxSteps: 4,
      firstGroup: 5,
      policy,
    });
    const local = await engine.collect({ env: 'household', groups: 2, groupSize: 2, firstGroup: 5, maxSteps: 4, policy, seed: SEED });
    // Group 5 plays task 5 (as in process), group 6 plays task 2: group 2's start state.
    const other = await engine.collect({ env: 'household', groups: 1, groupSize: 2, firstGroup: 2, maxSteps: 4, policy, seed: SEED });
    const rows = plainRows(remote);
    expect(rows.filter((r) => r.group === 5)).toEqual(plainRows(local).filter((r) => r.group === 5));
    expect(rows.filter((r) => r.group === 6 && r.step === 0).map((r) => r.observation)).toEqual(
      plainRows(other)
        .filter((r) => r.step === 0)
        .map((r) => r.observation),
    );
    expect(Math.max(...rows.map((r) => r.step))).toBe(3);
    expect(metaOf(remote).remote?.tasks).toEqual([5, 2]);
  });

  it('RolloutPool runs remote rollouts on the calling thread, with the same rows', async () => {
    const server = await serverOf('sokoban');
    const pool = new RolloutPool({ maxThreads: 1 });
    try {
      const policy = listedActionPolicy();
      const remote = { url: server.url, protocol: 'openenv' as const, envName: 'sokoban' };
      const a = await pool.collect({ env: 'remote', remote, groups: 2, groupSize: 2, policy });
      const b = await engine.collect({ env: 'sokoban', groups: 2, groupSize: 2, policy, seed: SEED });
      expect(plainRows(a)).toEqual(plainRows(b));
      await expect(pool.collect({ env: 'remote', remote, groups: 2, groupSize: 2, policy: randomPolicy() })).rejects.toThrow(
        /^policy: env 'remote' needs a text policy \(functionPolicy\(fn\), openAIPolicy\(\.\.\.\), llamaPolicy\(\.\.\.\)\); 'random' is a native policy/,
      );
    } finally {
      await pool.destroy();
    }
  });

  it('refuses bad options with typed errors naming them', async () => {
    const policy = listedActionPolicy();
    const base = { env: 'remote', groups: 2, groupSize: 2, policy };
    const url = 'http://127.0.0.1:9';
    const bad: [object, RegExp][] = [
      [{ ...base, policy: randomPolicy(), remote: { url, protocol: 'openenv' } }, /^policy: env 'remote' needs a text policy/],
      [base, /^remote: expected \{ url, protocol, tasks \} for env 'remote'/],
      [{ ...base, remote: { url: 'ftp://x', protocol: 'openenv' } }, /^remote\.url: expected an http\(s\):\/\/ URL/],
      [{ ...base, remote: { url, protocol: 'grpc' } }, /^remote\.protocol: expected 'openenv' or 'agentgym', got "grpc"/],
      [{ ...base, remote: { url, protocol: 'openenv', tasks: '0-2' } }, /^remote\.tasks: expected one task per group \(2\), got 3/],
      [{ ...base, remote: { url, protocol: 'openenv', envName: 'chess' } }, /^remote\.envName: expected 'remote' or a native env's name/],
      [{ ...base, remote: { url, protocol: 'openenv', timeoutMs: 0 } }, /^remote\.timeoutMs: expected an integer >= 1, got 0/],
      [{ ...base, remote: { url, protocol: 'openenv' }, envOptions: { maxSteps: 3 } }, /^envOptions: do not apply to env 'remote'/],
      [{ ...base, remote: { url, protocol: 'openenv', maxSteps: 3 }, maxSteps: 4 }, /^maxSteps: 4 disagrees with remote\.maxSteps 3/],
      [{ ...base, remote: { url, protocol: 'openenv' }, anchor: 'state' }, /^anchor: 'state': remote envs do not tell their full state/],
      [{ ...base, env: 'sokoban', remote: { url, protocol: 'openenv' } }, /^remote: applies to env 'remote' only, not 'sokoban'/],
    ];
    for (const [options, message] of bad) {
      const err = await engine.collect(options as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GigpoArgumentError);
      expect((err as Error).message).toMatch(message);
    }
  });
});
