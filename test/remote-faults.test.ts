// env 'remote' when the env server fails: killed mid-rollout, slower than the per-call timeout,
// an {"error": ...} body with HTTP 200, malformed JSON, a session expired for idling. Each ends
// the failing trajectories with a typed RemoteEnvError (meta.remote.failures by kind), drops
// their groups and counts them, keeps every other group exactly as in process, and never hangs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  RolloutEngine,
  startEnvServer,
  type EnvServer,
  type RemoteEnvFailure,
  type RemoteProtocol,
  type RolloutMeta,
  type StepBatch,
} from '../lib/index.js';
import { startFaultyProxy, type Fault, type ProxiedCall } from './fixtures/faulty-env-proxy.js';
import { listedActionPolicy, plainRows } from './helpers/remote-rollouts.js';
import { startServeEnv } from './helpers/serve-env.js';

const SEED = 3;
const GROUPS = 4;
const GROUP_SIZE = 2;
const engine = new RolloutEngine();
let server: EnvServer;
let local: StepBatch;

beforeAll(async () => {
  server = await startEnvServer({ env: 'sokoban', seed: SEED });
  local = await engine.collect({ env: 'sokoban', groups: GROUPS, groupSize: GROUP_SIZE, policy: listedActionPolicy(), seed: SEED });
});
afterAll(async () => {
  await server?.close();
});

const metaOf = (batch: StepBatch): RolloutMeta => batch.meta as unknown as RolloutMeta;

/** The kept groups equal the in-process ones row for row; the dropped ones are counted with their failures' kinds. */
function expectDropped(batch: StepBatch, dropped: number, failures: Partial<Record<RemoteEnvFailure, number>>, firstError: RegExp): void {
  const kept = new Set(batch.group);
  expect(kept.size).toBe(GROUPS - dropped);
  expect(plainRows(batch)).toEqual(plainRows(local).filter((r) => kept.has(r.group)));
  const failed = Object.values(failures).reduce((a, b) => a + (b ?? 0), 0);
  expect(metaOf(batch).metrics).toMatchObject({ droppedGroups: dropped, envErrors: failed });
  expect(metaOf(batch).metrics.firstError).toMatch(firstError);
  expect(metaOf(batch).remote?.failures).toEqual(failures);
  expect(Object.values(metaOf(batch).stopReasons ?? {})).toEqual(new Array(failed).fill('env-error'));
}

/** A rollout through a proxy that answers the `nth` step call (1-based) with `fault`. */
async function withFault(protocol: RemoteProtocol, nth: number, fault: Fault, timeoutMs = 10_000): Promise<StepBatch> {
  let steps = 0;
  const isStep = (c: ProxiedCall) => c.call === (protocol === 'openenv' ? 'ws step' : 'POST /step');
  const proxy = await startFaultyProxy(server.url, (c) => (isStep(c) && ++steps === nth ? fault : undefined));
  try {
    return await engine.collect({
      env: 'remote',
      remote: { url: proxy.url, protocol, envName: 'sokoban', timeoutMs, retries: 1, backoffBaseMs: 5 },
      groups: GROUPS,
      groupSize: GROUP_SIZE,
      policy: listedActionPolicy(),
    });
  } finally {
    await proxy.close();
  }
}

describe.each(['openenv', 'agentgym'] as const)("env 'remote' faults over %s", (protocol) => {
  it('a server slower than the timeout: that step times out (not repeated), its group is dropped', async () => {
    const started = performance.now();
    const batch = await withFault(protocol, 5, { delayMs: 8000 }, 2000);
    expect(performance.now() - started).toBeLessThan(7500); // nobody waited for the slow answer
    expectDropped(batch, 1, { timeout: 1 }, /no answer within 2000 ms/);
  });

  it('an error body with HTTP 200 (AgentGym) / an error frame (OpenEnv) is a server error', async () => {
    const raw =
      protocol === 'agentgym'
        ? '{"error": "Env 3 crashed"}'
        : '{"type": "error", "data": {"message": "Env 3 crashed", "code": "EXECUTION_ERROR"}}';
    const batch = await withFault(protocol, 7, { raw });
    expectDropped(
      batch,
      1,
      { server: 1 },
      protocol === 'agentgym' ? /the server reported an error: Env 3 crashed/ : /the server reported EXECUTION_ERROR: Env 3 crashed/,
    );
  });

  it('malformed JSON is a protocol error', async () => {
    const batch = await withFault(protocol, 3, { raw: '{"observation": "#####' });
    expectDropped(batch, 1, { protocol: 1 }, /malformed JSON in the answer/);
  });

  it('a session that expired for idling fails its next step; the other sessions go on', async () => {
    const idle = await startEnvServer({ env: 'sokoban', seed: SEED, idleTimeoutS: 1 });
    try {
      // Trajectory 2 thinks for 3.5 s before its third step: the server closes its session meanwhile
      // (an idle timeout of 1 s leaves the busy sessions room on a loaded machine).
      const policy = listedActionPolicy({ delayMs: (traj, step) => (traj === 2 && step === 2 ? 3500 : 0) });
      const batch = await engine.collect({
        env: 'remote',
        remote: { url: idle.url, protocol, envName: 'sokoban', retries: 1, backoffBaseMs: 5 },
        groups: GROUPS,
        groupSize: GROUP_SIZE,
        policy,
      });
      expect(new Set(batch.group).has(1)).toBe(false); // trajectory 2 is in group 1
      if (protocol === 'agentgym') expectDropped(batch, 1, { http: 1 }, /HTTP 410: .*SESSION_EXPIRED/);
      else expectDropped(batch, 1, { connection: 1 }, /the connection is closed|the server closed the connection/);
    } finally {
      await idle.close();
    }
  });

  it('a server killed mid-rollout: every running trajectory fails, the rollout returns', async () => {
    const child = await startServeEnv(['--env', 'sokoban', '--seed', String(SEED)]);
    let killed: Promise<void> | undefined;
    const inner = listedActionPolicy();
    const policy = {
      ...inner,
      async act(requests: Parameters<typeof inner.act>[0], signal?: AbortSignal) {
        if (requests[0].step === 3) killed ??= child.kill();
        if (killed) await killed;
        return inner.act(requests, signal);
      },
    };
    try {
      const started = performance.now();
      const batch = await engine.collect({
        env: 'remote',
        remote: { url: child.url, protocol, envName: 'sokoban', retries: 2, backoffBaseMs: 5, timeoutMs: 5000 },
        groups: GROUPS,
        groupSize: GROUP_SIZE,
        policy,
      });
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(child.child.signalCode).toBe('SIGKILL');
      // No sokoban episode of this policy ends within 3 steps, so every trajectory was still running.
      expect(batch.numRows).toBe(0);
      expectDropped(
        batch,
        GROUPS,
        { connection: GROUPS * GROUP_SIZE },
        protocol === 'agentgym' ? /ECONNREFUSED|ECONNRESET|fetch failed|socket/ : /connection/,
      );
      // Each trajectory stopped at its first step after the kill (at step 3 at the latest).
      expect(metaOf(batch).metrics.policyRequests).toBeLessThanOrEqual(GROUPS * GROUP_SIZE * 4);
    } finally {
      await child.kill();
    }
  });
});
