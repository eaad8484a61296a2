// gigpo inspect: every figure recomputed here from the file's own rows.
import { readFileSync, writeFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import { computeAdvantages, concatStepBatches, readMsgpackChunks, type StepBatch } from '../lib/index.js';
import { runCli, tempDir } from './helpers/cli.js';
import { WORKED_EXAMPLE_JSONL } from './helpers/worked-example.js';

const tmp = tempDir('cli-inspect');
afterAll(() => tmp.cleanup());

function gigpo(args: string[]) {
  const r = runCli(args);
  if (r.status !== 0) throw new Error(`gigpo ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

/** Per trajectory: [group, return, last reward, done]. */
function trajectories(b: StepBatch): { group: number; ret: number; last: number; done: boolean }[] {
  const out: { group: number; ret: number; last: number; done: boolean }[] = [];
  let ret = 0;
  for (let r = 0; r < b.numRows; r++) {
    ret += b.reward[r];
    if (r + 1 < b.numRows && b.traj[r + 1] === b.traj[r]) continue;
    out.push({ group: b.group[r], ret, last: b.reward[r], done: b.done[r] === 1 });
    ret = 0;
  }
  return out;
}

describe('gigpo inspect', () => {
  it('summarises a rollout file: counts, success, returns, step groups, zero-variance groups', async () => {
    const path = tmp.path('rollout.msgpack');
    gigpo([
      'rollout',
      '--env',
      'sokoban',
      '--groups',
      '20',
      '--group-size',
      '4',
      '--policy',
      'oracle',
      '--epsilon',
      '0.5',
      '--seed',
      '11',
      '--chunk-groups',
      '8',
      '--out',
      path,
    ]);
    const r = gigpo(['inspect', path, '--json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    const chunks: StepBatch[] = [];
    for await (const b of readMsgpackChunks(path)) chunks.push(b);
    const all = concatStepBatches(chunks);
    const trajs = chunks.flatMap(trajectories);
    expect(report).toMatchObject({
      format: 'msgpack',
      scored: false,
      env: 'sokoban',
      pieces: 3,
      rows: all.numRows,
      trajectories: 80,
      groups: 20,
    });
    expect(report.successRate).toBe(trajs.filter((t) => t.done && t.last >= 10).length / 80);
    expect(report.successCriterion).toBe("the episode ended with a last reward >= 10 (sokoban's success reward)");
    const returns = trajs.map((t) => t.ret).sort((a, b) => a - b);
    expect(report.returns).toMatchObject({ count: 80, min: returns[0], max: returns[79], median: returns[39], p90: returns[71] });
    expect(report.returns.mean).toBeCloseTo(returns.reduce((s, x) => s + x, 0) / 80, 10);
    expect(report.returns.histogram.reduce((s: number, h: { count: number }) => s + h.count, 0)).toBe(80);
    // Step groups: exact anchors, as computeAdvantages groups them.
    const sizes = new Map<number, number>();
    const stepGroup = computeAdvantages(all).stepGroup;
    for (const g of stepGroup) sizes.set(g, (sizes.get(g) ?? 0) + 1);
    expect(report.stepGroups).toMatchObject({
      count: sizes.size,
      singletons: [...sizes.values()].filter((s) => s === 1).length,
      source: 'exact anchors',
    });
    const buckets = new Map<string, number>();
    for (const s of sizes.values()) {
      const b = s === 1 ? 0 : Math.ceil(Math.log2(s));
      const label = b === 0 ? '1' : b === 1 ? '2' : `${(1 << (b - 1)) + 1}-${1 << b}`;
      buckets.set(label, (buckets.get(label) ?? 0) + 1);
    }
    for (const { size, count } of report.stepGroups.sizeHistogram) expect(count, size).toBe(buckets.get(size) ?? 0);
    const byGroup = new Map<number, Set<number>>();
    for (const t of trajs) byGroup.set(t.group, (byGroup.get(t.group) ?? new Set()).add(t.ret));
    expect(report.zeroVarianceGroups).toBe([...byGroup.values()].filter((s) => s.size === 1).length);

    const text = gigpo(['inspect', path]).stdout;
    expect(text).toContain(`rows ${all.numRows}, trajectories 80, groups 20`);
    expect(text).toContain(`step groups (exact anchors): ${sizes.size}`);
    expect(text).toMatch(/zero-variance groups \(all returns equal\): \d+ of 20/);
  });

  it('reads scored JSONL, with its step groups and advantages', () => {
    const input = tmp.path('worked.jsonl');
    writeFileSync(input, WORKED_EXAMPLE_JSONL);
    const scored = tmp.path('worked.scored.jsonl');
    gigpo(['score', input, '--out', scored]);
    const report = JSON.parse(gigpo(['inspect', scored, '--json']).stdout);
    expect(report).toMatchObject({
      format: 'jsonl',
      scored: true,
      rows: 11,
      trajectories: 5,
      groups: 2,
      zeroVarianceGroups: 0,
      successCriterion: 'episode return > 0',
    });
    expect(report.successRate).toBe(2 / 5); // t0 and t3 end with reward 10
    expect(report.stepGroups).toMatchObject({ count: 6, singletons: 3, source: 'file' });
    expect(report.stepGroups.sizeHistogram).toEqual([
      { size: '1', count: 3 },
      { size: '2', count: 2 },
      { size: '3-4', count: 1 },
    ]);
    expect(report.returns).toMatchObject({ min: 0, max: 10, median: 0 });
    const advantages = [13.05625, 11.0125, 6.2625, -6.16875, -5.96875, -8.4875, -5.96875, -3.7375, 11.66667, -8.33333, -3.33333];
    expect(report.advantage.mean).toBeCloseTo(advantages.reduce((s, x) => s + x, 0) / 11, 5);
    expect(report.advantage.max).toBeCloseTo(13.05625, 5);
    // Unscored input: the same step groups, computed from exact anchors.
    const plain = JSON.parse(gigpo(['inspect', input, '--json', '--success-reward', '10']).stdout);
    expect(plain).toMatchObject({ scored: false, successRate: 2 / 5, successCriterion: 'the episode ended with a last reward >= 10' });
    expect(plain.stepGroups).toMatchObject({ count: 6, singletons: 3, source: 'exact anchors' });
    expect(plain.advantage).toBeUndefined();
  });

  it('reports bad input like score does', () => {
    const bad = tmp.path('bad.jsonl');
    writeFileSync(bad, '{"group":0,"traj":0,"steps":[]}\n');
    const r = runCli(['inspect', bad]);
    expect(r.stderr).toBe(`gigpo: ${bad}:1: steps: expected a non-empty array, got []\n`);
    expect(r.status).toBe(1);
    const missing = runCli(['inspect', tmp.path('missing.msgpack')]);
    expect(missing.stderr).toBe(`gigpo: ${tmp.path('missing.msgpack')}: no such file\n`);
    expect(missing.status).toBe(1);
  });

  it('gives the same report for the JSONL and the msgpack of one rollout: the JSONL meta line names the env', () => {
    // Shop with a noisy oracle: partial purchases earn 0 < reward < 1, so "return > 0" is not success.
    const flags = [
      'rollout',
      '--env',
      'shop',
      '--groups',
      '8',
      '--group-size',
      '4',
      '--policy',
      'oracle',
      '--epsilon',
      '0.6',
      '--seed',
      '3',
    ];
    const msgpack = tmp.path('shop.msgpack');
    const jsonl = tmp.path('shop.jsonl');
    gigpo([...flags, '--out', msgpack]);
    gigpo([...flags, '--out', jsonl]);
    const inspect = (path: string) => {
      const { input: _input, format: _format, pieces: _pieces, ...report } = JSON.parse(gigpo(['inspect', path, '--json']).stdout);
      return report;
    };
    const fromMsgpack = inspect(msgpack);
    expect(fromMsgpack).toMatchObject({
      env: 'shop',
      successCriterion: "the episode ended with a last reward >= 1 (shop's success reward)",
    });
    expect(inspect(jsonl)).toEqual(fromMsgpack);
    // Scored JSONL keeps the meta line (plus the scoring options), so it still names the env.
    const scored = tmp.path('shop.scored.jsonl');
    gigpo(['score', jsonl, '--out', scored]);
    const fromScored = inspect(scored);
    expect([fromScored.env, fromScored.successRate, fromScored.successCriterion]).toEqual([
      fromMsgpack.env,
      fromMsgpack.successRate,
      fromMsgpack.successCriterion,
    ]);
    expect(JSON.parse(readFileSync(scored, 'utf8').split('\n')[0]).meta).toMatchObject({ env: 'shop', scoring: { estimator: 'gigpo' } });
    // A file written before meta lines existed still reads; without the env it falls back to return > 0.
    const old = tmp.path('shop.old.jsonl');
    writeFileSync(
      old,
      readFileSync(jsonl, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('{"meta":'))
        .join('\n'),
    );
    const fromOld = inspect(old);
    expect(fromOld.env).toBeUndefined();
    expect(fromOld.successCriterion).toBe('episode return > 0');
    expect(fromOld.successRate).not.toBe(fromMsgpack.successRate);
    expect({ ...fromOld, env: 'shop', successRate: 0, successCriterion: '' }).toEqual({
      ...fromMsgpack,
      successRate: 0,
      successCriterion: '',
    });
  });
});
