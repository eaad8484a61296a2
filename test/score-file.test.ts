// The library side of `gigpo score`: GroupWindow's rule and bound, recordsToBatch, and
// scoreFile with sinks, pools and failures.
import { writeFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import {
  computeAdvantages,
  GigpoInputError,
  resolveAdvantageOptions,
  scoreFile,
  ScorePool,
  type ByteSink,
  type TrajectoryRecord,
} from '../lib/index.js';
import { recordsToBatch } from '../lib/io/records-to-batch.js';
import { GroupWindow } from '../lib/score/group-window.js';
import { tempDir } from './helpers/cli.js';
import { randomTrajectories, toJsonl } from './helpers/random-trajectories.js';
import { prng } from './helpers/random-batch.js';

const tmp = tempDir('score-file');
afterAll(() => tmp.cleanup());

const record = (group: string | number, traj: string | number, length: number, line: number): TrajectoryRecord & { numSteps: number } => ({
  group,
  traj,
  steps: Array.from({ length }, (_, i) => ({ obs: `${group}/${i}`, reward: i, valid: true })),
  numSteps: length,
  source: `in.jsonl:${line}`,
});

class MemorySink implements ByteSink {
  readonly name = '<memory>';
  parts: Buffer[] = [];
  closed = false;
  aborted = false;
  async write(data: Uint8Array | string) {
    this.parts.push(Buffer.from(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)));
  }
  async close() {
    this.closed = true;
  }
  async abort() {
    this.aborted = true;
  }
  text() {
    return Buffer.concat(this.parts).toString('utf8');
  }
}

describe('GroupWindow', () => {
  it('keeps every group whole when its rows lie within half the bound, and holds at most the bound', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = prng(seed);
      const max = 20 + Math.floor(rand() * 60);
      // Groups whose trajectories are spread over at most max/2 rows, interleaved with others.
      const pending: { group: number; members: number; due: number }[] = [];
      const records: ReturnType<typeof record>[] = [];
      let rows = 0;
      let nextGroup = 0;
      const limit = max >> 1;
      while (records.length < 400) {
        if (pending.length < 4) pending.push({ group: nextGroup++, members: 1 + Math.floor(rand() * 4), due: rows });
        const p = pending[Math.floor(rand() * pending.length)];
        const length = 1 + Math.floor(rand() * 3);
        if (rows + length - p.due > limit) {
          pending.splice(pending.indexOf(p), 1); // would spread the group too far: end it here
          continue;
        }
        records.push(record(p.group, p.members, length, records.length + 1));
        rows += length;
        if (--p.members === 0) pending.splice(pending.indexOf(p), 1);
      }
      const window = new GroupWindow<number>(max);
      const seen = new Map<string, number>();
      const closed = new Map<string, number>();
      records.forEach((r, i) => {
        seen.set(String(r.group), (seen.get(String(r.group)) ?? 0) + 1);
        for (const g of window.add(r, i)) {
          expect(closed.has(String(g.id))).toBe(false);
          closed.set(String(g.id), g.records.length);
          expect(g.slots).toEqual([...g.slots].sort((a, b) => a - b)); // input order within the group
        }
        expect(window.heldRows).toBeLessThanOrEqual(max + r.steps.length);
      });
      for (const g of window.finish()) closed.set(String(g.id), g.records.length);
      expect(closed).toEqual(seen); // every group closed once, with all its trajectories
    }
  });

  it('closes the oldest groups first and rejects a group that comes back after closing', () => {
    const w = new GroupWindow<null>(8);
    expect(w.add(record('a', 0, 3, 1), null)).toEqual([]);
    expect(w.add(record('b', 0, 3, 2), null)).toEqual([]);
    // 9 rows held > 8: close oldest groups until at most 4 rows are held ('a' then 'b').
    const closed = w.add(record('c', 0, 3, 3), null);
    expect(closed.map((g) => g.id)).toEqual(['a', 'b']);
    expect(w.heldRows).toBe(3);
    expect(() => w.add(record('a', 1, 1, 4), null)).toThrow(/^in\.jsonl:4: group: "a" appears again after its group was scored/);
    expect(() => w.add(record('c', 0, 1, 5), null)).toThrow('in.jsonl:5: traj: trajectory 0 appears twice in group "c"');
    expect(w.add(record(7, 'x', 1, 6), null)).toEqual([]);
    expect(w.isDuplicate(record('7', 'x', 1, 7))).toBe(true); // ids compare as strings
    expect(w.finish().map((g) => [g.id, g.records.length])).toEqual([
      ['c', 1],
      [7, 1],
    ]);
  });
});

describe('recordsToBatch', () => {
  it('lays groups out contiguously, keeps ids as read, hashes obs unless an anchor is given', () => {
    const a = record('g', 1, 2, 1);
    const b = record(5, 'x', 1, 2);
    b.steps[0].anchor = 0x1234n;
    b.steps[0].action = 3;
    a.steps[1].action = 'push';
    const { batch, ids, trajStarts } = recordsToBatch([[a], [b]]);
    expect(batch.numRows).toBe(3);
    expect(Array.from(batch.group)).toEqual([0, 0, 1]);
    expect(Array.from(batch.traj)).toEqual([0, 0, 1]);
    expect(Array.from(batch.done)).toEqual([0, 1, 1]);
    expect(Array.from(batch.action)).toEqual([-1, -1, 3]);
    expect(batch.groupLabels).toEqual(['g', '5']);
    expect(ids).toEqual({ group: ['g', 5], traj: [1, 'x'] });
    expect(Array.from(trajStarts)).toEqual([0, 2, 3]);
    expect(batch.anchor[2]).toBe(0x1234n);
    const again = recordsToBatch([[record('g', 1, 2, 1)]]);
    expect(again.batch.anchor[0]).toBe(batch.anchor[0]); // the hash of the observation text
    expect(batch.scores).toBeUndefined();
  });
});

describe('ScorePool', () => {
  it('scores a batch on a worker exactly as computeAdvantages does here, and reports input errors as GigpoInputError', async () => {
    const { batch } = recordsToBatch([
      [record('g', 0, 4, 1), record('g', 1, 3, 2)],
      [record('h', 0, 2, 3), record('h', 1, 5, 4)],
    ]);
    batch.reward[2] = 1.5;
    const options = resolveAdvantageOptions({ gamma: 0.9 });
    const pool = new ScorePool({ threads: 1 });
    try {
      const part = await pool.scoreBatch(batch, options, 'here');
      const expected = computeAdvantages(batch, options);
      expect(part.scores.advantage).toEqual(expected.advantage);
      expect(part.scores.stepGroup).toEqual(expected.stepGroup);
      expect(part.stats).toEqual(expected.stats);
      const solo = recordsToBatch([[record('solo', 0, 1, 5)]]).batch; // grpo_passk needs two rows per group
      const err = await pool.scoreBatch(solo, resolveAdvantageOptions({ estimator: 'grpo_passk' }), 'there').catch((e) => e);
      expect(err).toBeInstanceOf(GigpoInputError);
      expect((err as GigpoInputError).message).toBe('there: grpo_passk: task group 0 has 1 row; pass@k needs at least 2 per group');
    } finally {
      await pool.destroy();
    }
  });
});

describe('scoreFile', () => {
  it('writes to any sink; a pool gives the same bytes as the calling thread', async () => {
    const input = tmp.path('pool.jsonl');
    writeFileSync(input, toJsonl(randomTrajectories(4, { groups: 30, shuffle: true })));
    const inline = new MemorySink();
    const summary = await scoreFile({ input, output: inline, outputFormat: 'jsonl', batchRows: 10 });
    expect(inline.closed).toBe(true);
    const pool = new ScorePool({ threads: 2 });
    try {
      for (const form of ['trajectory', 'row'] as const) {
        const a = new MemorySink();
        const b = new MemorySink();
        await scoreFile({ input, output: a, outputFormat: 'jsonl', jsonlForm: form, batchRows: 10 });
        await scoreFile({ input, output: b, outputFormat: 'jsonl', jsonlForm: form, batchRows: 10, scorer: pool });
        expect(b.text()).toBe(a.text());
      }
      const c = new MemorySink();
      await scoreFile({ input, output: c, outputFormat: 'jsonl', scorer: pool });
      expect(c.text()).toBe(inline.text()); // batch size does not change the result
    } finally {
      await pool.destroy();
    }
    expect(summary).toMatchObject({ inputFormat: 'jsonl', outputFormat: 'jsonl', groups: 30, output: '<memory>' });
    expect(summary.pieces).toBeGreaterThan(1);
  });

  it('aborts the sink on bad input and on a missing file, and checks its options', async () => {
    const bad = tmp.path('bad.jsonl');
    writeFileSync(bad, `${toJsonl(randomTrajectories(1, { groups: 2 }))}{"group":1}\n`);
    const sink = new MemorySink();
    await expect(scoreFile({ input: bad, output: sink, outputFormat: 'jsonl' })).rejects.toThrow(/bad\.jsonl:\d+: traj: missing/);
    expect(sink.aborted).toBe(true);
    const sink2 = new MemorySink();
    await expect(scoreFile({ input: tmp.path('none.jsonl'), output: sink2, outputFormat: 'jsonl' })).rejects.toThrow(
      /none\.jsonl: no such file$/,
    );
    expect(sink2.aborted).toBe(true);
    await expect(scoreFile({ input: bad, output: new MemorySink() })).rejects.toThrow(
      "options.outputFormat: cannot tell the format of <memory>: give 'jsonl' or 'msgpack'",
    );
    await expect(scoreFile({ input: bad, output: tmp.path('x.jsonl'), maxOpenRows: 1 })).rejects.toThrow(
      'options.maxOpenRows: expected an integer >= 2, got 1',
    );
    await expect(scoreFile({ input: bad, output: tmp.path('x.jsonl'), advantage: { gamma: 2 } })).rejects.toThrow(
      'options.advantage.gamma: must be a number in [0, 1], got 2',
    );
  });
});
