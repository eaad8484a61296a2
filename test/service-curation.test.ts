// Success-band curation on a task set of known difficulty: each task's true success rate
// is measured first (many independent attempts through the engine), then a curated stream
// must draw the tasks inside the band far more often than uniform sampling does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { oraclePolicy, RolloutEngine } from '../lib/index.js';
import type { RolloutServer } from '../lib/service/rollout/server.js';
import type { TaskReport } from '../lib/service/rollout/task-sampler.js';
import { call, startService, streamBatch } from './helpers/rollout-service.js';

const TASKS = 16;
const setup = { env: 'sokoban', seed: 11, maxSteps: 20 };
const band = { low: 0.3, high: 0.7 };

/** Share of a stream's groups that played a task of `inBand`, after about `draws` draws. */
async function bandShare(base: string, body: object, inBand: Set<number>, draws: number): Promise<{ share: number; report: TaskReport }> {
  const id = (await call(base, 'POST', '/v1/streams', body)).json.id as string;
  try {
    let report: TaskReport;
    do {
      await streamBatch(base, id, 100);
      report = (await call(base, 'GET', `/v1/streams/${id}/tasks`)).json;
    } while (report.draws < draws);
    const groups = report.stats.reduce((s, t) => s + t.groups, 0);
    const inside = report.stats.filter((t) => inBand.has(t.task)).reduce((s, t) => s + t.groups, 0);
    return { share: inside / groups, report };
  } finally {
    await call(base, 'DELETE', `/v1/streams/${id}`);
  }
}

describe('success-band task curation', () => {
  let server: RolloutServer;
  beforeAll(async () => {
    server = await startService();
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('samples the tasks inside the band more than uniform sampling, keeping the exploration share', async () => {
    // Known difficulty: 128 attempts per task with fresh action draws (the stream's task t is group t of the seed).
    const engine = new RolloutEngine();
    const inBand = new Set<number>();
    const rates: number[] = [];
    for (let t = 0; t < TASKS; t++) {
      const b = await engine.collect({
        ...setup,
        groups: 1,
        firstGroup: t,
        groupSize: 128,
        actionSeed: 1000 + t,
        policy: oraclePolicy({ epsilon: 0.5 }),
      });
      const rate = (b.meta as { metrics: { successRate: number } }).metrics.successRate;
      rates.push(rate);
      if (rate >= band.low && rate <= band.high) inBand.add(t);
    }
    // The set must have tasks on both sides of the band for the test to mean anything.
    expect(inBand.size).toBeGreaterThanOrEqual(3);
    expect(inBand.size).toBeLessThanOrEqual(TASKS - 4);
    const uniformExpected = inBand.size / TASKS;

    const body = { ...setup, groupSize: 8, tasks: TASKS, bufferGroups: 4, policy: { kind: 'oracle', epsilon: 0.5 } };
    const uniform = await bandShare(server.url, body, inBand, 600);
    const curated = await bandShare(server.url, { ...body, curation: { kind: 'success-band', ...band } }, inBand, 600);
    expect(uniform.report.kind).toBe('uniform');
    expect(Math.abs(uniform.share - uniformExpected)).toBeLessThan(0.12);
    expect(curated.report.kind).toBe('success-band');
    // With perfect knowledge the band would get 1 - exploration of the draws plus its uniform
    // share of the rest; the estimates are noisy (8 trajectories a group), so ask for 40% of that gain.
    const best = 0.8 + 0.2 * uniformExpected;
    expect((curated.share - uniform.share) / (best - uniform.share)).toBeGreaterThan(0.4);
    // The documented exploration share (default 0.2) of draws ignores the band.
    expect(curated.report.band?.exploration).toBe(0.2);
    expect(Math.abs(curated.report.explorationDraws / curated.report.draws - 0.2)).toBeLessThan(0.06);
    // The reported per-task rates follow the measured ones.
    for (const s of curated.report.stats)
      if (s.groups >= 10) expect(Math.abs(s.successes / s.trajectories - rates[s.task])).toBeLessThan(0.2);
  });
});
