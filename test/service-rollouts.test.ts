// POST /v1/rollouts of `gigpo serve`: the streamed chunks are rolloutAndScore's rows, they
// arrive while later groups still run, and a client that disconnects cancels the work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { oraclePolicy, rolloutAndScore } from '../lib/index.js';
import type { RolloutServer } from '../lib/service/rollout/server.js';
import { completion, startFakeOpenAI } from './fixtures/fake-openai-server.js';
import { call, rowsByGroup, startService, streamRollout } from './helpers/rollout-service.js';

describe('POST /v1/rollouts', () => {
  let server: RolloutServer;
  beforeAll(async () => {
    server = await startService();
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('streams exactly the rows of rolloutAndScore with the same arguments', async () => {
    const args = { env: 'sokoban', groups: 24, groupSize: 4, seed: 5, maxSteps: 20 };
    const advantage = { estimator: 'gigpo', gamma: 0.9, mode: 'mean_std_norm' } as const;
    const streamed = await streamRollout(server.url, {
      ...args,
      policy: { kind: 'oracle', epsilon: 0.4 },
      advantage,
      assembly: { dropZeroVarianceGroups: true },
      groupsPerJob: 3,
    });
    const expected = await rolloutAndScore({
      ...args,
      policy: oraclePolicy({ epsilon: 0.4 }),
      advantage,
      assembly: { dropZeroVarianceGroups: true },
    });
    expect(expected.report.droppedGroups).toBeGreaterThan(0); // the filter is exercised
    expect(expected.report.droppedGroups).toBeLessThan(24);
    // Every chunk holds whole groups; together they are the assembled batch (step-group ids are per chunk).
    const rows = streamed.chunks.flatMap((c) => rowsByGroup(c.batch, c.batch.scores!));
    expect(rows.length).toBe(expected.batch.numRows);
    expect(rows.sort((a, b) => a.group - b.group || a.traj - b.traj || a.step - b.step)).toEqual(
      rowsByGroup(expected.batch, expected.batch.scores),
    );
    expect(streamed.summary).toMatchObject({
      format: 'gigpo.summary',
      groups: 24 - expected.report.droppedGroups,
      droppedGroups: expected.report.droppedGroups,
      rows: expected.batch.numRows,
      chunks: streamed.chunks.length,
    });
    expect(streamed.summary?.metrics.trajectories).toBe(24 * 4);
    expect(streamed.summary?.metrics.successRate).toBeCloseTo((expected.meta.metrics as { successRate: number }).successRate, 12);
  });

  it('sends the first chunk while the last group is still running', async () => {
    // The policy server holds every request after the first group's until the client has the
    // first chunk: without streaming this would never finish.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const fake = await startFakeOpenAI(async (req) => {
      if (req.index >= 2) await released;
      return { json: completion('<action>up</action>') };
    });
    try {
      const streamed = await streamRollout(
        server.url,
        {
          env: 'sokoban',
          groups: 3,
          groupSize: 1,
          maxSteps: 2,
          policy: { kind: 'openai', baseURL: fake.baseURL, model: 'm' },
          concurrentJobs: 1,
        },
        (_, index) => {
          if (index === 0) {
            // Group 0's two requests were answered; the second group's first request is held (or
            // still on its way to the server): the chunk came out while the last groups run.
            expect(fake.requests.length).toBeGreaterThanOrEqual(2);
            expect(fake.requests.length).toBeLessThanOrEqual(3);
            release();
          }
        },
      );
      expect(streamed.chunks.length).toBe(3);
      expect(streamed.summary?.groups).toBe(3);
    } finally {
      release();
      await fake.close();
    }
  });

  it('sends the first chunk of 64 groups long before the last', async () => {
    // 64 groups in 32 jobs run one after another: the first chunk is out after about 1/32 of the time.
    const streamed = await streamRollout(server.url, {
      env: 'sokoban',
      groups: 64,
      groupSize: 8,
      seed: 2,
      policy: { kind: 'oracle', epsilon: 0.3 },
      groupsPerJob: 2,
      concurrentJobs: 1,
    });
    expect(streamed.chunks.length).toBe(32);
    const first = streamed.chunks[0].atMs;
    const last = streamed.chunks[31].atMs;
    expect(first).toBeLessThan(0.5 * last);
    expect(streamed.summary?.firstChunkMs).toBeLessThan(0.5 * streamed.summary!.seconds * 1000);
    expect(streamed.summary?.groups).toBe(64);
  });

  it('cancels the remaining groups when the client disconnects', async () => {
    const fake = await startFakeOpenAI(async () => ({ json: completion('<action>up</action>'), delayMs: 20 }));
    try {
      const streamed = await streamRollout(
        server.url,
        {
          env: 'sokoban',
          groups: 200,
          groupSize: 2,
          seed: 1,
          maxSteps: 4,
          policy: { kind: 'openai', baseURL: fake.baseURL, model: 'm', retries: 0 },
          concurrentJobs: 2,
        },
        () => false, // hang up after the first chunk
      );
      expect(streamed.chunks.length).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      const afterCancel = fake.requests.length;
      await new Promise((r) => setTimeout(r, 500));
      expect(fake.requests.length).toBe(afterCancel); // nothing new was asked of the policy
      // Far fewer requests than the full rollout's 200 groups x 2 trajectories x 4 steps.
      expect(afterCancel).toBeLessThan(100);
      expect((await call(server.url, 'GET', '/health')).json.rollouts).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
