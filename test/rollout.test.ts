import { afterAll, describe, expect, it } from 'vitest';

import { functionPolicy, oraclePolicy, randomPolicy, RolloutEngine, RolloutPool, rowObservation, validateStepBatch } from '../lib/index.js';
import { batchColumns } from './helpers/step-batches.js';

const engine = new RolloutEngine();
const pool = new RolloutPool({ maxThreads: 2 });
afterAll(() => pool.destroy());

/** Plays numberline by reading the observation text from the prompt. */
const textReader = functionPolicy((messages) => {
  const last = messages[messages.length - 1].content;
  const m = /Position: (\d+)\nTarget: (\d+)/.exec(last);
  if (!m) return 'no observation found';
  return `<think>move toward the target</think><action>${Number(m[1]) < Number(m[2]) ? '+' : '-'}</action>`;
});

describe('RolloutEngine', () => {
  it('records complete groups in trajectory-major order with anchors of the state before each action', async () => {
    const b = await engine.collect({ env: 'numberline', groups: 6, groupSize: 4, seed: 5, policy: randomPolicy(), maxSteps: 8 });
    validateStepBatch(b);
    expect(new Set(b.traj).size).toBe(24);
    expect(new Set(b.group).size).toBe(6);
    // Each trajectory ends exactly once, by done or truncation at 8 steps.
    for (let r = 0; r < b.numRows; r++) {
      const last = r + 1 === b.numRows || b.traj[r + 1] !== b.traj[r];
      expect(last).toBe(b.done[r] === 1 || b.truncated[r] === 1);
      if (b.truncated[r]) expect(b.step[r]).toBe(7);
    }
    // Members of a group share step 0's anchor and observation.
    for (let r = 0; r < b.numRows; r++) {
      if (b.step[r] !== 0) continue;
      const first = b.group.indexOf(b.group[r]);
      expect(b.anchor[r]).toBe(b.anchor[first]);
      expect(rowObservation(b, r)).toBe(rowObservation(b, first));
    }
    // A random policy revisits states: step groups (equal anchors within a group) are non-trivial.
    const keys = new Set<string>();
    for (let r = 0; r < b.numRows; r++) keys.add(`${b.group[r]}:${b.anchor[r]}`);
    expect(keys.size).toBeLessThan(b.numRows * 0.8);
    const m = b.meta as { metrics: { trajectories: number; steps: number } };
    expect(m.metrics.trajectories).toBe(24);
    expect(m.metrics.steps).toBe(b.numRows);
  });

  it('plays through prompts and parsing: a text-reading policy wins every episode', async () => {
    const b = await engine.collect({ env: 'numberline', groups: 8, groupSize: 2, seed: 9, policy: textReader });
    const m = b.meta as { metrics: { successRate: number; invalidActionRate: number } };
    expect(m.metrics.successRate).toBe(1);
    expect(m.metrics.invalidActionRate).toBe(0);
    // The prompt holds the observation; the anchor is the bare observation's hash.
    const prompt = JSON.parse(Buffer.from(b.prompt!.data.subarray(b.prompt!.offsets[0], b.prompt!.offsets[1])).toString());
    expect(prompt[prompt.length - 1].content).toContain(rowObservation(b, 0));
    expect(Buffer.from(b.response!.data.subarray(b.response!.offsets[0], b.response!.offsets[1])).toString()).toMatch(
      /<action>[+-]<\/action>/,
    );
  });

  it('keeps the last K steps of history in the prompt', async () => {
    const seen: number[] = [];
    const policy = functionPolicy((messages, request) => {
      if (request.traj === 0) seen.push(messages.filter((x) => x.role === 'assistant').length);
      return '<action>-</action>';
    });
    await engine.collect({
      env: 'numberline',
      groups: 1,
      groupSize: 1,
      seed: 1,
      policy,
      historyLength: 2,
      maxSteps: 5,
      envOptions: { maxPosition: 50 },
    });
    expect(seen.slice(0, 5)).toEqual([0, 1, 2, 2, 2].slice(0, seen.length));
  });

  it('flags unparseable responses as invalid', async () => {
    const b = await engine.collect({
      env: 'numberline',
      groups: 2,
      groupSize: 2,
      seed: 2,
      policy: functionPolicy(() => 'I refuse'),
      maxSteps: 3,
    });
    expect(b.numRows).toBe(12);
    expect(Array.from(b.valid)).toEqual(new Array(12).fill(0));
    expect(Array.from(b.action)).toEqual(new Array(12).fill(-1));
  });

  it('stops at an abort signal', async () => {
    const controller = new AbortController();
    let calls = 0;
    const policy = functionPolicy(() => {
      if (++calls === 3) controller.abort();
      return '<action>+</action>';
    });
    await expect(
      engine.collect({
        env: 'numberline',
        groups: 1,
        groupSize: 1,
        seed: 1,
        policy,
        signal: controller.signal,
        envOptions: { maxPosition: 1000 },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects bad options with the option named', async () => {
    await expect(engine.collect({ env: 'numberline', groups: 0, groupSize: 1, policy: randomPolicy() })).rejects.toThrow(
      /groups: expected an integer >= 1/,
    );
    await expect(engine.collect({ env: 'numberline', groups: 1, groupSize: 1, policy: {} as never })).rejects.toThrow(
      /policy: expected a policy/,
    );
    await expect(engine.collect({ env: 'numberline', groups: 1, groupSize: 1, maxSteps: 0, policy: randomPolicy() })).rejects.toThrow(
      /maxSteps/,
    );
    expect(() => oraclePolicy({ epsilon: 2 })).toThrow(/oracle.epsilon/);
    const wrongCount = { kind: 'text' as const, name: 'bad', act: async () => [] };
    await expect(engine.collect({ env: 'numberline', groups: 1, groupSize: 1, policy: wrongCount })).rejects.toThrow(
      /returned 0 responses for 1 requests/,
    );
  });
});

describe('RolloutPool', () => {
  const job = {
    env: 'numberline',
    groups: 10,
    groupSize: 4,
    seed: 77,
    policy: oraclePolicy({ epsilon: 0.3 }),
    envOptions: { maxPosition: 12 },
  };

  it('gives bit-identical batches for 1, 2 and 3 threads and equals the engine', async () => {
    const reference = batchColumns(await engine.collect(job));
    for (const groupsPerTask of [1, 3, 10]) {
      expect(batchColumns(await pool.collect({ ...job, groupsPerTask }))).toEqual(reference);
    }
    const one = new RolloutPool({ maxThreads: 1 });
    const three = new RolloutPool({ maxThreads: 3 });
    try {
      expect(batchColumns(await one.collect(job))).toEqual(reference);
      expect(batchColumns(await three.collect(job))).toEqual(reference);
    } finally {
      await Promise.all([one.destroy(), three.destroy()]);
    }
  });

  it('rejects with the worker error and stays usable', async () => {
    await expect(pool.collect({ ...job, env: 'no-such-env' })).rejects.toThrow(/unknown environment 'no-such-env'/);
    const b = await pool.collect(job);
    expect(b.numRows).toBeGreaterThan(0);
  });

  it('rejects with the cause when a worker dies, and replaces the worker', async () => {
    const one = new RolloutPool({ maxThreads: 1 });
    try {
      await one.collect(job); // the worker is up
      const long = {
        env: 'numberline',
        groups: 64,
        groupSize: 8,
        seed: 1,
        policy: randomPolicy(),
        envOptions: { maxPosition: 100000 },
        maxSteps: 20000,
      };
      const run = one.collect(long);
      const threads = (one as unknown as { piscina: { threads: { terminate(): Promise<number> }[] } }).piscina.threads;
      setTimeout(() => void threads[0].terminate(), 50);
      await expect(run).rejects.toThrow(/terminat|exit/i);
      expect(batchColumns(await one.collect(job))).toEqual(batchColumns(await engine.collect(job)));
    } finally {
      await one.destroy();
    }
  });

  it('stops running workers through the shared cancel flag', async () => {
    const controller = new AbortController();
    const big = { env: 'numberline', groups: 64, groupSize: 8, seed: 1, policy: randomPolicy(), envOptions: { maxPosition: 100000 } };
    const started = performance.now();
    const run = pool.collect({ ...big, maxSteps: 20000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await pool.collect(job)).numRows).toBeGreaterThan(0);
  });
});

describe('rolloutAndScore', () => {
  it('rolls out, scores with GiGPO and assembles a training batch', async () => {
    const { rolloutAndScore, computeAdvantages } = await import('../lib/index.js');
    const job = {
      env: 'numberline',
      groups: 8,
      groupSize: 4,
      seed: 12,
      policy: oraclePolicy({ epsilon: 0.5 }),
      envOptions: { maxPosition: 8 },
    };
    const out = await rolloutAndScore({ ...job, pool, assembly: { multipleOf: 16, seed: 1 } });
    // The rollout equals a plain engine run; the advantages equal computeAdvantages on it.
    expect(batchColumns(out.rollout)).toEqual(batchColumns(await engine.collect(job)));
    const direct = computeAdvantages(out.rollout);
    expect(Array.from(out.advantages.advantage)).toEqual(Array.from(direct.advantage));
    expect(out.batch.numRows % 16).toBe(0);
    expect(out.batch.numRows).toBeGreaterThanOrEqual(out.rollout.numRows);
    for (let k = 0; k < out.batch.numRows; k++) {
      const src = out.batch.sourceRow[k];
      expect(out.batch.scores.advantage[k]).toBe(direct.advantage[src]);
      expect(out.batch.traj[k]).toBe(out.rollout.traj[src]);
    }
    // mean_norm episode advantages sum to zero within each task group (rows mode).
    const sums = new Map<number, number>();
    for (let r = 0; r < out.rollout.numRows; r++)
      sums.set(out.rollout.group[r], (sums.get(out.rollout.group[r]) ?? 0) + direct.episodeAdvantage[r]);
    for (const s of sums.values()) expect(Math.abs(s)).toBeLessThan(1e-3);
    expect(out.meta.metrics.trajectories).toBe(32);
  });
});
