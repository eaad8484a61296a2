// readJsonlPieces (the native JSONL parser with the TypeScript path for the lines it leaves)
// against readJsonlTrajectories (the TypeScript path alone, the reference): on real rollouts,
// on files that mix lines of both paths (meta lines, scored and drawn steps, escapes, blank
// lines, CRLF, a byte-order mark, row form), fed in pieces of random sizes, the trajectories,
// their batches, the read stats and every error must be the same.
import { describe, expect, it } from 'vitest';

import { encodeJsonlLines } from '../lib/io/jsonl-writer.js';
import { newReadStats, readJsonlTrajectories, type JsonlReadStats } from '../lib/io/jsonl-reader.js';
import type { TrajectoryRecord } from '../lib/io/jsonl-records.js';
import { readJsonlPieces } from '../lib/io/jsonl-trajectories.js';
import { gatherTrajectories } from '../lib/io/gather-trajectories.js';
import { recordsToBatch } from '../lib/io/records-to-batch.js';
import type { PieceTrajectory } from '../lib/io/trajectory-piece.js';
import { computeAdvantages } from '../lib/index.js';
import { native } from '../lib/native.js';
import { randomPolicy } from '../lib/policy/native.js';
import { RolloutEngine } from '../lib/rollout/engine.js';
import { prng, randomBatch } from './helpers/random-batch.js';

const encoder = new TextEncoder();

/** The bytes of `text` in pieces of random sizes (1 byte to 64 KiB), so lines straddle reads. */
async function* pieces(text: string, seed: number, encoding: 'utf8' | 'latin1' = 'utf8'): AsyncGenerator<Uint8Array> {
  const bytes = encoding === 'utf8' ? encoder.encode(text) : Buffer.from(text, 'latin1');
  const rand = prng(seed);
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(rand() ** 3 * 65536);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

interface Read<T> {
  trajectories: T[];
  stats: JsonlReadStats;
  error?: string;
}

async function readReference(text: string, seed: number, skipInvalid: boolean): Promise<Read<TrajectoryRecord>> {
  const stats = newReadStats();
  const trajectories: TrajectoryRecord[] = [];
  try {
    for await (const t of readJsonlTrajectories(pieces(text, seed), { name: 'in.jsonl', skipInvalid, stats })) trajectories.push(t);
  } catch (err) {
    return { trajectories, stats, error: (err as Error).message };
  }
  return { trajectories, stats };
}

async function readFast(text: string, seed: number, skipInvalid: boolean, noNative = false): Promise<Read<PieceTrajectory>> {
  const stats = newReadStats();
  const trajectories: PieceTrajectory[] = [];
  try {
    for await (const run of readJsonlPieces(pieces(text, seed), { name: 'in.jsonl', skipInvalid, stats, noNative }))
      trajectories.push(...run);
  } catch (err) {
    return { trajectories, stats, error: (err as Error).message };
  }
  return { trajectories, stats };
}

/** Trajectories grouped by group id, in order of first appearance (as a scorer lays them out). */
function byGroup<T extends { group: string | number }>(ts: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const t of ts) {
    const key = String(t.group);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(t);
  }
  return [...groups.values()];
}

async function expectSameRead(text: string, seed: number, skipInvalid = false): Promise<Read<PieceTrajectory>> {
  const want = await readReference(text, seed, skipInvalid);
  for (const noNative of [false, true]) {
    const got = await readFast(text, seed + 1, skipInvalid, noNative);
    expect(got.error, `error (noNative ${noNative})`).toBe(want.error);
    expect(got.stats).toEqual(want.stats);
    expect(got.trajectories.map((t) => [t.group, t.traj, t.numSteps, t.source, t.meta])).toEqual(
      want.trajectories.map((t) => [t.group, t.traj, t.steps.length, t.source, t.meta]),
    );
    if (want.trajectories.length === 0) continue;
    let wantBatch: ReturnType<typeof recordsToBatch> | string;
    try {
      wantBatch = recordsToBatch(byGroup(want.trajectories));
    } catch (err) {
      wantBatch = (err as Error).message;
    }
    let gotBatch: ReturnType<typeof recordsToBatch> | string;
    try {
      gotBatch = gatherTrajectories(byGroup(got.trajectories));
    } catch (err) {
      gotBatch = (err as Error).message;
    }
    expect(gotBatch).toEqual(wantBatch);
  }
  return readFast(text, seed + 1, skipInvalid);
}

async function sokobanLines(): Promise<string[]> {
  const batch = await new RolloutEngine().collect({
    env: 'sokoban',
    groups: 12,
    groupSize: 4,
    maxSteps: 12,
    seed: 5,
    policy: randomPolicy(),
  });
  return new TextDecoder().decode(encodeJsonlLines(batch, 'trajectory').bytes).trimEnd().split('\n');
}

async function textEnvLines(env: string): Promise<string[]> {
  const batch = await new RolloutEngine().collect({ env, groups: 6, groupSize: 4, maxSteps: 8, seed: 9, policy: randomPolicy() });
  return new TextDecoder().decode(encodeJsonlLines(batch, 'trajectory').bytes).trimEnd().split('\n');
}

/** Random batches with tokens, interleaved groups, scores on some: every optional column. */
function randomLines(seed: number, scored: boolean): string[] {
  const batch = randomBatch(seed, { tokens: true, interleave: true, maxGroups: 6 });
  if (scored) batch.scores = computeAdvantages(batch, {});
  return new TextDecoder().decode(encodeJsonlLines(batch, 'trajectory').bytes).trimEnd().split('\n');
}

/** A trajectory line as a training batch's: every step with source_row and its step index. */
function drawn(line: string): string {
  const t = JSON.parse(line) as { steps: Record<string, unknown>[] };
  for (const [i, s] of t.steps.entries()) Object.assign(s, { source_row: 100 + i, step: 2 * i });
  return JSON.stringify(t);
}

const META = '{"meta":{"env":"sokoban","note":"a meta line"}}';

describe('readJsonlPieces', () => {
  it('reads real rollouts as the TypeScript path does, the native parser taking the trajectory lines', async () => {
    const sokoban = await sokobanLines();
    const parse = native.parseJsonlTrajectories;
    let nativeTrajectories = 0;
    native.parseJsonlTrajectories = (bytes, start, end) => {
      const piece = parse(bytes, start, end);
      nativeTrajectories += piece.numTraj;
      return piece;
    };
    try {
      const read = await expectSameRead([META, ...sokoban].join('\n'), 1);
      expect(read.trajectories.length).toBe(sokoban.length);
    } finally {
      native.parseJsonlTrajectories = parse;
    }
    expect(nativeTrajectories).toBe(2 * sokoban.length); // every line but the meta line, on both reads with the native parser
    for (const env of ['household', 'shop', 'points24']) await expectSameRead((await textEnvLines(env)).join('\n'), 2);
    for (let seed = 1; seed <= 12; seed++) await expectSameRead(randomLines(seed, seed % 3 === 0).join('\r\n'), seed);
  });

  it('mixes lines of both paths in input order: meta lines, scored and drawn steps, escapes, blanks, a BOM', async () => {
    const base = await sokobanLines();
    const rand = prng(7);
    for (let round = 0; round < 6; round++) {
      const lines: string[] = [];
      for (const [i, line] of base.entries()) {
        const r = rand();
        if (r < 0.05) lines.push(META.replace('a meta line', `meta ${i}`));
        if (r < 0.1) lines.push('', '   \t');
        if (r > 0.9)
          lines.push(
            line.replace('"reward":', '"advantage":0.5,"return":1,"episode_advantage":0.5,"step_advantage":0,"step_group":3,"reward":'),
          );
        else if (r > 0.85) lines.push(line.replace('"group":', '"gr\\u006fup":'));
        else if (r > 0.8) lines.push(line.replace(/"obs":"/g, '"obs":"\\u00e9\\ud83d\\ude00'));
        else if (r > 0.78) lines.push(`\ufeff${line}`);
        else if (r > 0.76) lines.push(drawn(line));
        else lines.push(line);
      }
      await expectSameRead(lines.join(round % 2 ? '\r\n' : '\n'), 10 + round);
    }
  });

  it('gives the same errors and, with skipInvalid, skips the same lines', async () => {
    const base = await sokobanLines();
    const bad = [
      '{"group":0,"traj":99,"steps":[{"obs":"x","reward":NaN}]}',
      '{"group":0,"traj":98,"steps":[]}',
      '{"group":0,"traj":97,"steps":[{"obs":"x","reward":1e400}]}',
      '{"group":0,"traj":96,"steps":[{"obs":"x","reward":1,"valid":null}]}',
      'not json',
      '{"group":0,"traj":95,"steps":[{"reward":1}]}',
      '{"group":1.5,"traj":95,"steps":[{"obs":"x","reward":1}]}',
      '{"group":0,"step":0,"traj":1,"obs":"x","reward":1}',
    ];
    for (const [k, line] of bad.entries()) {
      const lines = [...base.slice(0, 10), line, ...base.slice(10)];
      const failed = await expectSameRead(lines.join('\n'), 20 + k);
      expect(failed.error).toMatch(/^in\.jsonl:11: /);
      expect(failed.trajectories.length).toBe(10); // the good lines before the bad one
      const skipped = await expectSameRead(lines.join('\n'), 40 + k, true);
      expect(skipped.error).toBeUndefined();
      expect(skipped.stats.skipped).toBe(1);
      expect(skipped.trajectories.length).toBe(base.length);
    }
    // Invalid UTF-8 is an error even with skipInvalid, on either path.
    const invalid = `${base[0]}\n{"group":0,"traj":"\xff","steps":[{"obs":"x","reward":1}]}\n`;
    for (const skipInvalid of [false, true]) {
      const stats = newReadStats();
      const run = async () => {
        for await (const _ of readJsonlPieces(pieces(invalid, 1, 'latin1'), { name: 'in.jsonl', skipInvalid, stats }));
      };
      await expect(run()).rejects.toThrow('in.jsonl:2: invalid UTF-8');
    }
  });

  it('reads row-form files with the TypeScript path, as readJsonlTrajectories does', async () => {
    const batch = randomBatch(3, { tokens: true, maxGroups: 4 });
    const rows = new TextDecoder().decode(encodeJsonlLines(batch, 'row').bytes).trimEnd().split('\n');
    const read = await expectSameRead([META, ...rows].join('\n'), 30);
    expect(read.trajectories.reduce((s, t) => s + t.numSteps, 0)).toBe(batch.numRows);
    // A trajectory line after row lines is an error naming it, from both readers.
    const mixed = await expectSameRead([...rows, (await sokobanLines())[0]].join('\n'), 31);
    expect(mixed.error).toMatch(/expected a row-form record/);
  });

  it('says a file with no records is empty, and counts blank and meta lines', async () => {
    for (const text of ['', '\n\n', `${META}\n`, '  \n\t\n']) {
      const read = await expectSameRead(text, 50);
      expect(read.error).toMatch(/^in\.jsonl: empty file: no records$/);
    }
  });
});
