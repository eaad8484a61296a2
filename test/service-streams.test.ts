// /v1/streams of `gigpo serve`: batches of whole non-zero-variance groups (backfilled to
// the requested rows), policy versions on every row with the staleness bound enforced and
// counted, success-band curation measured against uniform task sampling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { computeAdvantages, oraclePolicy, RolloutEngine, type StepBatch } from '../lib/index.js';
import { LocalGroupRunner, type GroupJob, type GroupRunner } from '../lib/service/rollout/group-runner.js';
import type { GroupSetup } from '../lib/service/rollout/rollout-request.js';
import type { RolloutServer } from '../lib/service/rollout/server.js';
import { call, startService, streamBatch } from './helpers/rollout-service.js';

/** Per group of a batch: its rows' policyVersion (one value) and whether its trajectories' returns differ. */
function groupsOf(batch: StepBatch): { group: number; versions: Set<number>; returns: Set<number> }[] {
  const out = new Map<number, { group: number; versions: Set<number>; returns: Set<number> }>();
  for (let r = 0; r < batch.numRows; r++) {
    const g = out.get(batch.group[r]) ?? { group: batch.group[r], versions: new Set<number>(), returns: new Set<number>() };
    out.set(batch.group[r], g);
    g.versions.add(batch.policyVersion![r]);
    if (batch.step[r] === 0) g.returns.add(batch.scores!.returns[r]);
  }
  return [...out.values()];
}

async function waitFor(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const oracle = { env: 'sokoban', groupSize: 4, seed: 3, maxSteps: 20, policy: { kind: 'oracle', epsilon: 0.5 } };

describe('/v1/streams', () => {
  let server: RolloutServer;
  beforeAll(async () => {
    server = await startService();
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('serves at least R rows of whole groups with non-zero variance, generating more as needed', async () => {
    const created = await call(server.url, 'POST', '/v1/streams', { ...oracle, bufferGroups: 8 });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    try {
      for (const rows of [50, 400, 1]) {
        const batch = await streamBatch(server.url, id, rows);
        expect(batch.numRows).toBeGreaterThanOrEqual(rows);
        const groups = groupsOf(batch);
        for (const g of groups) expect(g.returns.size).toBeGreaterThan(1); // not a zero-variance group
        // Whole groups: each has groupSize trajectories.
        for (const g of groups) expect(new Set(Array.from(batch.traj).filter((_, r) => batch.group[r] === g.group)).size).toBe(4);
        // The served advantages are computeAdvantages' on the same rows.
        const again = computeAdvantages(batch, {});
        expect(Array.from(batch.scores!.advantage)).toEqual(Array.from(again.advantage));
        // Groups are taken until there are enough rows: without the last one there were fewer than `rows`.
        const last = groups[groups.length - 1].group;
        expect(batch.numRows - Array.from(batch.group).filter((x) => x === last).length).toBeLessThan(rows);
      }
      const info = (await call(server.url, 'GET', `/v1/streams/${id}`)).json;
      expect(info.counters.droppedZeroVarianceGroups).toBeGreaterThan(0);
      expect(info.counters.batches).toBe(3);
    } finally {
      expect((await call(server.url, 'DELETE', `/v1/streams/${id}`)).json.deleted).toBe(true);
    }
    expect((await call(server.url, 'GET', `/v1/streams/${id}`)).status).toBe(404);
  });

  it('never serves a group older than maxStaleness versions and counts the drops', async () => {
    const id = (await call(server.url, 'POST', '/v1/streams', { ...oracle, bufferGroups: 16, maxStaleness: 1 })).json.id as string;
    try {
      let version = 0;
      let servedGroups = 0;
      for (let iteration = 0; iteration < 8; iteration++) {
        // Sometimes let the buffer fill first, sometimes announce while jobs run, sometimes skip versions.
        if (iteration % 3 === 0) await waitFor(async () => (await call(server.url, 'GET', `/v1/streams/${id}`)).json.bufferedGroups === 16);
        const batch = await streamBatch(server.url, id, 30);
        const current = (batch.meta as { policyVersion: number }).policyVersion;
        expect(current).toBe(version);
        for (const g of groupsOf(batch)) {
          expect(g.versions.size).toBe(1); // a group never straddles versions
          const v = [...g.versions][0];
          expect(current - v).toBeLessThanOrEqual(1);
          expect(v).toBeLessThanOrEqual(current);
        }
        servedGroups += groupsOf(batch).length;
        version += iteration % 2 === 0 ? 1 : 3;
        const announced = await call(server.url, 'POST', `/v1/streams/${id}/policy`, { version });
        expect(announced.status).toBe(200);
        expect(announced.json.policyVersion).toBe(version);
      }
      const info = (await call(server.url, 'GET', `/v1/streams/${id}`)).json;
      const c = info.counters;
      expect(c.servedGroups).toBe(servedGroups);
      expect(c.droppedStaleGroups).toBeGreaterThanOrEqual(16); // a full buffer jumped 3 versions at least once
      // Every finished group is accounted for: served, dropped (stale or zero variance) or still buffered.
      expect(c.generatedGroups).toBe(
        c.servedGroups + c.droppedZeroVarianceGroups + (c.droppedStaleGroups - c.cancelledStaleGroups) + info.bufferedGroups,
      );
      const conflict = await call(server.url, 'POST', `/v1/streams/${id}/policy`, { version });
      expect(conflict.status).toBe(409);
      expect(conflict.json.error.field).toBe('version');
    } finally {
      await call(server.url, 'DELETE', `/v1/streams/${id}`);
    }
  });
});

/** The local runner, with the jobs of the groups in `slow` finishing `delayMs` late. */
class SlowGroupsRunner implements GroupRunner {
  private readonly local = new LocalGroupRunner({ threads: 1 });
  readonly parallelism = 1;
  constructor(
    private readonly slow: Set<number>,
    private readonly delayMs: number,
  ) {}
  async run(setup: GroupSetup, job: GroupJob): Promise<StepBatch> {
    const batch = await this.local.run(setup, job);
    if (this.slow.has(job.firstGroup)) await new Promise((r) => setTimeout(r, this.delayMs));
    return batch;
  }
  close(): Promise<void> {
    return this.local.close();
  }
}

describe('/v1/streams batch order', () => {
  it('serves groups in launch order: a slow group is not overtaken by younger ones that finished first', async () => {
    // Groups 0 and 5 finish 400 ms after the ones launched with them. Served as they finished,
    // they would come after younger groups (and with maxStaleness 0 be dropped at the next announcement).
    const server = await startService({ runner: new SlowGroupsRunner(new Set([0, 5]), 400) });
    try {
      const created = await call(server.url, 'POST', '/v1/streams', {
        ...oracle,
        bufferGroups: 4,
        groupsPerJob: 1,
        concurrentJobs: 4,
        maxStaleness: 0,
      });
      expect(created.status).toBe(201);
      const id = created.json.id;
      const served: number[] = [];
      for (let k = 0; k < 4; k++) served.push(...groupsOf(await streamBatch(server.url, id, 1)).map((g) => g.group));
      // The same groups played in process: the served ones are the first four with reward variance, in order.
      const local = await new RolloutEngine().collect({
        env: oracle.env,
        groups: 16,
        groupSize: oracle.groupSize,
        seed: oracle.seed,
        maxSteps: oracle.maxSteps,
        policy: oraclePolicy({ epsilon: 0.5 }),
      });
      const zero = computeAdvantages(local, { estimator: 'gigpo' }).groupZeroVariance;
      const withVariance = Array.from({ length: 16 }, (_, g) => g).filter((g) => zero[g] === 0);
      expect(served).toEqual(withVariance.slice(0, 4));
      expect(served.includes(0) || served.includes(5)).toBe(true); // a slow group was among them
    } finally {
      await server.shutdown();
    }
  });
});
