// Trajectory-level asynchrony: every trajectory is its own loop, the batch does not depend on
// the order answers arrive in, failures lose a trajectory (or its group), not the run.
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

import {
  functionPolicy,
  hashStrings,
  openAIPolicy,
  PolicyRequestError,
  RolloutEngine,
  type CollectOptions,
  type PolicyRequest,
  type RolloutMeta,
  type StepBatch,
  type StepOutcome,
  type TextEnvs,
} from '../lib/index.js';
import { sleep } from '../lib/util/abort.js';
import { completion, startFakeOpenAI } from './fixtures/fake-openai-server.js';
import { batchColumns } from './helpers/step-batches.js';

const engine = new RolloutEngine();

/** A fixed answer per (traj, step, observation): '+', '-' or an unparsable one. */
function answerFor(r: PolicyRequest): string {
  const obs = r.messages[r.messages.length - 1].content;
  let h = (r.traj * 7919 + r.step * 104729) >>> 0;
  for (let k = 0; k < obs.length; k++) h = Math.imul(h ^ obs.charCodeAt(k), 16777619) >>> 0;
  return ['<action>+</action>', '<action>-</action>', 'no idea', '<action>+</action>'][h % 4];
}

const base: Omit<CollectOptions, 'policy'> = { env: 'numberline', groups: 8, groupSize: 4, seed: 3, maxSteps: 12 };

const metaOf = (b: StepBatch) => b.meta as unknown as RolloutMeta;

/** Rows of the batch without its meta (timings differ between runs). */
function rows(b: StepBatch): Record<string, unknown> {
  const { meta: _meta, ...rest } = b;
  return rest;
}

describe('trajectory-level asynchrony', () => {
  it('gives the identical batch whatever order answers arrive in, and the same as schedule step', async () => {
    const instant = await engine.collect({ ...base, schedule: 'step', policy: functionPolicy((_m, r) => answerFor(r)) });
    const shuffled = functionPolicy(async (_m, r) => {
      await delay(Math.random() * 6);
      return answerFor(r);
    });
    const asyncBatch = await engine.collect({ ...base, policy: shuffled });
    const stepBatch = await engine.collect({ ...base, schedule: 'step', policy: shuffled });
    expect(instant.numRows).toBeGreaterThan(100);
    expect(rows(asyncBatch)).toEqual(rows(instant));
    expect(rows(stepBatch)).toEqual(rows(instant));
    expect(batchColumns(asyncBatch).prompt).toEqual(batchColumns(instant).prompt);
    expect(metaOf(asyncBatch).metrics.policyRequests).toBe(instant.numRows);
  });

  it('has no step barrier under schedule trajectory, and one under schedule step', async () => {
    for (const schedule of ['trajectory', 'step'] as const) {
      const log: { traj: number; step: number }[] = [];
      const policy = functionPolicy(async (_m, r) => {
        log.push({ traj: r.traj, step: r.step });
        await delay(r.traj === 0 ? 40 : 1); // trajectory 0 is slow
        return '<action>+</action>';
      });
      await engine.collect({ env: 'numberline', groups: 2, groupSize: 2, seed: 1, maxSteps: 6, policy, schedule });
      const slowSecond = log.findIndex((e) => e.traj === 0 && e.step === 1);
      const maxStepBefore = Math.max(...log.slice(0, slowSecond).map((e) => e.step));
      if (schedule === 'trajectory') expect(maxStepBefore).toBeGreaterThanOrEqual(3);
      else {
        expect(maxStepBefore).toBeLessThanOrEqual(1);
        for (let k = 1; k < log.length; k++) expect(log[k].step).toBeGreaterThanOrEqual(log[k - 1].step);
      }
    }
  });

  it('keeps at most the policy concurrency in flight, with no MaxListenersExceededWarning', async () => {
    const server = await startFakeOpenAI(() => ({
      json: completion('<action>+</action>', { tokenIds: [1, 2] }),
      delayMs: 3 + Math.random() * 5,
    }));
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const policy = openAIPolicy({ baseURL: server.baseURL, model: 'm', concurrency: 5 });
      const b = await engine.collect({
        env: 'numberline',
        groups: 6,
        groupSize: 4,
        seed: 2,
        maxSteps: 5,
        policy,
        signal: new AbortController().signal,
      });
      expect(server.maxInFlight).toBe(5);
      const m = metaOf(b).metrics;
      expect(m.policyRequests).toBe(b.numRows);
      expect(m.tokensOut).toBe(2 * b.numRows);
      expect(m.serverBusySeconds).toBeGreaterThan(0);
      expect(m.serverBusySeconds).toBeLessThanOrEqual(m.seconds);
      expect(m.policyLatencyP99Ms).toBeGreaterThanOrEqual(m.policyLatencyP50Ms);
      expect(m.policyLatencyP50Ms).toBeGreaterThan(2);
      await delay(1);
    } finally {
      process.off('warning', onWarning);
      await server.close();
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('policy failures', () => {
  const failing = (traj: number, step: number) =>
    functionPolicy(async (_m, r) => {
      await delay(Math.random() * 2);
      if (r.traj === traj && r.step === step)
        throw new PolicyRequestError('test policy', r, 3, { kind: 'http', detail: 'HTTP 500: boom', status: 500 });
      return answerFor(r);
    });

  it("drop-group (the default) leaves the failed trajectory's group out and counts it", async () => {
    const reference = await engine.collect({ ...base, policy: functionPolicy((_m, r) => answerFor(r)) });
    const b = await engine.collect({ ...base, policy: failing(5, 2) });
    expect([...new Set(b.group)]).toEqual([0, 2, 3, 4, 5, 6, 7]);
    const keep = [...reference.group.keys()].filter((r) => reference.group[r] !== 1);
    expect(Array.from(b.anchor)).toEqual(keep.map((r) => reference.anchor[r]));
    expect(Array.from(b.reward)).toEqual(keep.map((r) => reference.reward[r]));
    const meta = metaOf(b);
    expect(meta.metrics).toMatchObject({ failedRequests: 1, retries: 2, droppedGroups: 1, policyErrors: 1, trajectories: 28 });
    expect(meta.metrics.firstError).toMatch(/traj 5, step 2 failed after 3 attempts: HTTP 500: boom/);
    expect(meta.stopReasons).toEqual({ 5: 'policy-error' });
  });

  it('keep ends the trajectory as truncated after the rows it has', async () => {
    const b = await engine.collect({ ...base, policy: failing(5, 2), onPolicyError: 'keep' });
    const rowsOf5 = [...b.traj.keys()].filter((r) => b.traj[r] === 5);
    expect(rowsOf5.map((r) => b.step[r])).toEqual([0, 1]);
    expect(rowsOf5.map((r) => b.truncated[r])).toEqual([0, 1]);
    expect(metaOf(b).metrics).toMatchObject({ droppedGroups: 0, policyErrors: 1, trajectories: 32 });
    expect(metaOf(b).stopReasons).toEqual({ 5: 'policy-error' });
  });

  it('abort rejects the rollout with the error and cancels the other requests', async () => {
    let cancelled = 0;
    const policy = functionPolicy(async (_m, r, signal) => {
      if (r.traj === 9 && r.step === 1) throw new PolicyRequestError('test policy', r, 1, { kind: 'timeout', detail: 'timed out' });
      try {
        await sleep(r.traj === 9 ? 1 : 30, signal);
      } catch (err) {
        cancelled++;
        throw err;
      }
      return answerFor(r);
    });
    await expect(engine.collect({ ...base, policy, onPolicyError: 'abort' })).rejects.toThrow(
      /traj 9, step 1 failed after 1 attempt: timed out/,
    );
    expect(cancelled).toBeGreaterThan(0);
  });

  it('a prompt over the context length ends that trajectory as truncated, without retries', async () => {
    const server = await startFakeOpenAI((req) => {
      const messages = req.body.messages as { content: string }[];
      if (messages[messages.length - 1].content.startsWith('Step 4.'))
        return {
          status: 400,
          json: { error: { message: "This model's maximum context length is 16 tokens. However, you requested 40 tokens." } },
        };
      return { json: completion('<action>-</action>') };
    });
    try {
      const policy = openAIPolicy({ baseURL: server.baseURL, model: 'm', retries: 3, retryBaseMs: 1 });
      const b = await engine.collect({
        env: 'numberline',
        groups: 2,
        groupSize: 2,
        seed: 5,
        maxSteps: 8,
        envOptions: { maxPosition: 1000 },
        policy,
      });
      // numberline far from its target: every trajectory reaches step 3 and stops there.
      expect(Array.from(b.step)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
      expect(Array.from(b.truncated)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
      expect(server.requests.length).toBe(16);
      const meta = metaOf(b);
      expect(meta.metrics).toMatchObject({ contextLengthStops: 4, failedRequests: 4, retries: 0, droppedGroups: 0 });
      expect(meta.stopReasons).toEqual({ 0: 'context-length', 1: 'context-length', 2: 'context-length', 3: 'context-length' });
    } finally {
      await server.close();
    }
  });
});

/** A remote-like env in JS with asynchronous steps: count down from 3 by answering "dec". */
function countdownEnvs(numEnvs: number, groupSize: number, failAt?: { env: number; step: number }): TextEnvs & { closed: number } {
  const counters = new Array<number>(numEnvs).fill(3);
  const steps = new Array<number>(numEnvs).fill(0);
  return {
    env: 'numberline', // its prompt spec; the states and rules are this fake's
    numEnvs,
    groupSize,
    firstGroup: 0,
    maxSteps: 6,
    closed: 0,
    observation: (i) => `counter ${counters[i]}`,
    anchor: (i) => hashStrings([`counter ${counters[i]}`])[0],
    admissibleActions: () => ['dec', 'wait'],
    async stepText(i, text): Promise<StepOutcome> {
      await delay(Math.random() * 3);
      if (failAt && failAt.env === i && failAt.step === steps[i]) throw new Error('env server went away');
      steps[i]++;
      const valid = text === 'dec' || text === 'wait';
      if (text === 'dec') counters[i]--;
      return {
        action: -1,
        actionText: valid ? text : '(invalid)',
        reward: text === 'dec' ? 1 : 0,
        done: counters[i] === 0,
        truncated: counters[i] > 0 && steps[i] === 6,
        valid,
      };
    },
    close() {
      this.closed++;
    },
  };
}

describe('collectText over envs with asynchronous steps', () => {
  const policy = functionPolicy((_m, r) => (r.traj % 2 === 0 ? 'dec' : r.step % 2 ? 'dec' : 'wait'));

  it('runs every env as a trajectory and closes the envs', async () => {
    const envs = countdownEnvs(6, 2);
    const b = await engine.collectText(envs, { policy });
    expect(envs.closed).toBe(1);
    // Even trajectories: dec, dec, dec (3 rows). Odd ones: wait, dec, wait, dec, wait, dec (6 rows).
    const lengths = [0, 1, 2, 3, 4, 5].map((t) => b.traj.filter((x) => x === t).length);
    expect(lengths).toEqual([3, 6, 3, 6, 3, 6]);
    expect(Array.from(b.group.subarray(0, 9))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(metaOf(b).metrics.successRate).toBe(1); // every trajectory ends on 'dec' with reward 1 (numberline's success)
  });

  it('an env step that throws ends the trajectory with env-error and drops its group', async () => {
    const envs = countdownEnvs(6, 2, { env: 3, step: 1 });
    const b = await engine.collectText(envs, { policy });
    expect([...new Set(b.group)]).toEqual([0, 2]);
    expect(metaOf(b).metrics).toMatchObject({ envErrors: 1, droppedGroups: 1 });
    expect(metaOf(b).metrics.firstError).toBe('env server went away');
    expect(metaOf(b).stopReasons).toEqual({ 3: 'env-error' });
    expect(envs.closed).toBe(1);
  });
});
