import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, describe, expect, it } from 'vitest';

import { GigpoInputError, rowObservation } from '../lib/index.js';
import { newReadStats, readRowRecords, readTrajectoryRecords, rowsToTrajectories } from '../lib/io/jsonl-reader.js';
import type { RowRecord, TrajectoryRecord } from '../lib/io/jsonl-records.js';
import { jsonlLines, JsonlWriter, writeJsonlFile } from '../lib/io/jsonl-writer.js';
import { shortestFloat32 } from './reference/jsonl-objects.js';
import { readLines } from '../lib/io/line-reader.js';
import { makeBatch } from './helpers/step-batches.js';

const dir = mkdtempSync(join(tmpdir(), 'gigpo-io-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(it: AsyncIterable<unknown>): Promise<string> {
  try {
    await collect(it);
  } catch (err) {
    expect(err).toBeInstanceOf(GigpoInputError);
    return (err as Error).message;
  }
  throw new Error('expected a GigpoInputError');
}

const step = (o: Record<string, unknown> = {}) => ({ obs: 'at 0', action: '+', reward: 0, valid: true, ...o });
const line = (o: Record<string, unknown> = {}) => JSON.stringify({ group: 'g', traj: 0, steps: [step()], ...o });

describe('line reader', () => {
  it('numbers lines across LF, CRLF, blank lines, a BOM and a missing final newline', async () => {
    const path = file('lines.txt', '\uFEFFfirst\r\nsecond\n\nfourth é\r\nlast');
    const lines = await collect(readLines(path));
    expect(lines).toEqual([
      { text: 'first', line: 1 },
      { text: 'second', line: 2 },
      { text: '', line: 3 },
      { text: 'fourth é', line: 4 },
      { text: 'last', line: 5 },
    ]);
    expect(await collect(readLines(file('final-newline.txt', 'a\nb\n')))).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
    ]);
  });

  it('reassembles lines and multi-byte characters split between stream pieces, and long lines', async () => {
    const text = `${'x'.repeat(3_000_000)}\nšé€😀\n`;
    const bytes = Buffer.from(text);
    const pieces = [
      bytes.subarray(0, 1000),
      bytes.subarray(1000, 3_000_002),
      bytes.subarray(3_000_002, 3_000_005),
      bytes.subarray(3_000_005),
    ];
    const lines = await collect(readLines(Readable.from(pieces)));
    expect(lines.map((l) => l.text.length)).toEqual([3_000_000, 'šé€😀'.length]);
    expect(lines[1].text).toBe('šé€😀');
    const long = await failure(readLines(Readable.from(pieces), { maxLineBytes: 1_000_000, name: 'in' }));
    expect(long).toBe('in:1: line longer than 1000000 bytes');
  });

  it('rejects invalid UTF-8 and a missing file', async () => {
    expect(await failure(readLines(file('bad-utf8.txt', Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]))))).toContain(
      'bad-utf8.txt:2: invalid UTF-8',
    );
    expect(await failure(readLines(join(dir, 'missing.jsonl')))).toBe(`${join(dir, 'missing.jsonl')}: no such file`);
  });
});

describe('trajectory-form JSONL', () => {
  it('reads valid records with every accepted id and anchor form', async () => {
    const path = file(
      'ok.jsonl',
      [
        JSON.stringify({ group: 'task-1', traj: 'a', steps: [step(), step({ obs: 'at 1', action: 2, reward: 1.5, valid: false })] }),
        '',
        JSON.stringify({
          group: 7,
          traj: 3,
          steps: [
            { anchor: '00000000000000ff', reward: -1 },
            { anchor: '0xFF', obs: 'x', reward: 0 },
          ],
        }),
        JSON.stringify({
          group: 7,
          traj: 4,
          steps: [
            { anchor: '18446744073709551615', reward: 0 },
            { anchor: 12345, reward: 0, action: null },
          ],
        }),
        '',
      ].join('\n'),
    );
    const stats = newReadStats();
    const records = await collect(readTrajectoryRecords(path, { stats }));
    expect(records).toEqual<TrajectoryRecord[]>([
      {
        group: 'task-1',
        traj: 'a',
        steps: [
          { obs: 'at 0', action: '+', reward: 0, valid: true },
          { obs: 'at 1', action: 2, reward: 1.5, valid: false },
        ],
        source: `${path}:1`,
      },
      // 16 hex digits and integers are ids; any other string is an opaque state name.
      {
        group: 7,
        traj: 3,
        steps: [
          { anchor: 255n, reward: -1, valid: true },
          { obs: 'x', anchor: '0xFF', reward: 0, valid: true },
        ],
        source: `${path}:3`,
      },
      {
        group: 7,
        traj: 4,
        steps: [
          { anchor: '18446744073709551615', reward: 0, valid: true },
          { anchor: 12345n, reward: 0, valid: true },
        ],
        source: `${path}:4`,
      },
    ]);
    expect(stats).toEqual({ lines: 4, records: 3, skipped: 0, firstErrors: [] });
  });

  it('names the line and the field of every kind of bad input', async () => {
    const cases: [string, string][] = [
      ['{"group": "g", "traj": 0, "steps": [', 'invalid JSON: '],
      [
        '{"group": "g", "traj": 0, "steps": [{"obs": "a", "reward": 0}, {"obs": "a", "reward": NaN}]}',
        'steps[1].reward: expected a finite number, got NaN (NaN and Infinity are not JSON numbers)',
      ],
      [
        '{"group": "g", "traj": 0, "steps": [{"obs": "NaN", "reward": -Infinity}]}',
        'steps[0].reward: expected a finite number, got -Infinity (NaN',
      ],
      ['{"group": Infinity, "traj": 0, "steps": []}', 'group: expected a finite number, got Infinity'],
      ['{"group": "g", "traj": 0, "steps": [{"obs": "a", "reward": NaN}]', 'invalid JSON: '],
      ['[1, 2]', 'line: expected a JSON object, got an array'],
      [JSON.stringify({ traj: 0, steps: [step()] }), 'group: missing (expected a string or an integer)'],
      [line({ group: 1.5 }), 'group: expected a string or an integer, got 1.5'],
      [line({ traj: true }), 'traj: expected a string or an integer, got true'],
      [JSON.stringify({ group: 'g', traj: 0 }), 'steps: missing'],
      [line({ steps: [] }), 'steps: expected a non-empty array, got []'],
      [line({ steps: { obs: 'a' } }), 'steps: expected a non-empty array, got an object'],
      [line({ steps: [step(), 3] }), 'steps[1]: expected a JSON object, got 3'],
      [line({ steps: [step(), step(), step(), step({ reward: 'NaN' })] }), 'steps[3].reward: expected a finite number, got "NaN"'],
      [line({ steps: [step({ reward: undefined })] }), 'steps[0].reward: missing (expected a finite number)'],
      ['{"group": "g", "traj": 0, "steps": [{"obs": "a", "reward": 1e400}]}', 'steps[0].reward: expected a finite number, got Infinity'],
      [line({ steps: [step({ reward: 1e39 })] }), 'steps[0].reward: 1e+39 is outside the float32 range'],
      [line({ steps: [step({ valid: 1 })] }), 'steps[0].valid: expected true or false, got 1'],
      [line({ steps: [step({ obs: 5 })] }), 'steps[0].obs: expected a string, got 5'],
      [line({ steps: [{ reward: 0 }] }), 'steps[0].obs: missing (each step needs obs, a string, or anchor)'],
      [line({ steps: [step({ anchor: true })] }), 'steps[0].anchor: expected a string or a non-negative integer, got true'],
      [line({ steps: [step({ anchor: -1 })] }), 'steps[0].anchor: expected a string or a non-negative integer below 2^53'],
      [line({ steps: [step({ anchor: 2 ** 60 })] }), 'steps[0].anchor: expected a string or a non-negative integer below 2^53'],
      [line({ steps: [step({ action: 1.5 })] }), 'steps[0].action: expected a string or a 32-bit integer, got 1.5'],
      [line({ steps: [step({ action: [1] })] }), 'steps[0].action: expected a string or a 32-bit integer, got an array'],
    ];
    for (const [bad, expected] of cases) {
      const path = file('bad.jsonl', `${line()}\n\n${bad}\n${line()}\n`);
      const message = await failure(readTrajectoryRecords(path));
      expect(message, bad).toContain(`${path}:3: `);
      expect(message, bad).toContain(expected);
    }
  });

  it('rejects empty input, and with skipInvalid counts and skips bad lines', async () => {
    expect(await failure(readTrajectoryRecords(file('empty.jsonl', '')))).toContain('empty.jsonl: empty file: no records');
    expect(await failure(readTrajectoryRecords(file('blank.jsonl', '\n  \r\n\n')))).toContain('blank.jsonl: empty file: no records');
    const path = file('mixed.jsonl', [line({ traj: 1 }), 'not json', line({ traj: 2, steps: [] }), line({ traj: 3 })].join('\n'));
    const stats = newReadStats();
    const records = await collect(readTrajectoryRecords(path, { skipInvalid: true, stats }));
    expect(records.map((r) => r.traj)).toEqual([1, 3]);
    expect(stats.skipped).toBe(2);
    expect(stats.firstErrors).toHaveLength(2);
    expect(stats.firstErrors[0]).toMatch(new RegExp(`^${path}:2: invalid JSON: .*not json`));
    expect(stats.firstErrors[1]).toBe(`${path}:3: steps: expected a non-empty array, got []`);
    const allBad = file('all-bad.jsonl', 'x\ny\n');
    expect(await failure(readTrajectoryRecords(allBad, { skipInvalid: true }))).toBe(
      `${allBad}: no valid records (2 invalid lines skipped)`,
    );
  });

  it('reads from a stream such as stdin', async () => {
    const records = await collect(readTrajectoryRecords(Readable.from([`${line()}\n${line({ traj: 1 })}`])));
    expect(records.map((r) => [r.traj, r.source])).toEqual([
      [0, '<stdin>:1'],
      [1, '<stdin>:2'],
    ]);
    expect(await failure(readTrajectoryRecords(Readable.from(['{}']), { name: 'pipe' }))).toBe(
      'pipe:1: group: missing (expected a string or an integer)',
    );
  });
});

describe('row-form JSONL', () => {
  const row = (traj: number, s: number, o: Record<string, unknown> = {}) =>
    JSON.stringify({ group: 'g', traj, step: s, obs: `o${s}`, reward: s, ...o });

  it('reads rows and gathers consecutive ones into trajectories', async () => {
    const path = file('rows.jsonl', [row(0, 0), row(0, 1, { valid: false, action: 'left' }), row(1, 0), row(0, 0)].join('\n'));
    const rows = await collect(readRowRecords(path));
    expect(rows[1]).toEqual<RowRecord>({
      group: 'g',
      traj: 0,
      step: 1,
      obs: 'o1',
      reward: 1,
      valid: false,
      action: 'left',
      source: `${path}:2`,
    });
    const trajs = await collect(rowsToTrajectories(readRowRecords(path)));
    expect(trajs.map((t) => [t.traj, t.steps.length, t.source])).toEqual([
      [0, 2, `${path}:1`],
      [1, 1, `${path}:3`],
      [0, 1, `${path}:4`],
    ]);
  });

  it('names the line and field of bad rows and of rows out of order', async () => {
    const cases: [string, string][] = [
      [JSON.stringify({ group: 'g', traj: 0, obs: 'a', reward: 0 }), ':2: step: missing (expected the 0-based step index)'],
      [row(0, -1), ':2: step: expected a non-negative integer, got -1'],
      [row(0, 1, { reward: 'x' }), ':2: reward: expected a finite number, got "x"'],
      [row(0, 1, { obs: undefined }), ':2: obs: missing (each step needs obs, a string, or anchor)'],
      [row(0, 2), ':2: step: expected 1 (rows of group "g" trajectory 0 must be consecutive and in step order), got 2'],
      [row(5, 1), ':2: step: expected 0 (rows of group "g" trajectory 5 must be consecutive and in step order), got 1'],
    ];
    for (const [bad, expected] of cases) {
      const path = file('bad-rows.jsonl', `${row(0, 0)}\n${bad}\n`);
      expect(await failure(rowsToTrajectories(readRowRecords(path))), bad).toBe(`${path}${expected}`);
    }
    // With skipInvalid a broken trajectory is dropped whole and counted.
    const path = file('skip-rows.jsonl', [row(0, 0), row(0, 2), row(0, 3), row(1, 0), row(1, 1)].join('\n'));
    const stats = newReadStats();
    const trajs = await collect(rowsToTrajectories(readRowRecords(path, { skipInvalid: true, stats }), { skipInvalid: true, stats }));
    expect(trajs.map((t) => [t.traj, t.steps.length])).toEqual([[1, 2]]);
    expect(stats.skipped).toBe(3);
  });
});

describe('JSONL writers', () => {
  it('writes the shortest decimal that reads back as the same float32', () => {
    for (const x of [0.1, 1 / 3, -2.5e-8, 1e-40, 3.4e38, 123456.789, 0.3]) {
      const f = Math.fround(x);
      const y = shortestFloat32(f);
      expect(Math.fround(y)).toBe(f);
      expect(
        String(y)
          .replace(/^-|e.*$|\./g, '')
          .replace(/^0+/, '').length,
      ).toBeLessThanOrEqual(9);
    }
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(0.3))).toBe(0.3);
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(shortestFloat32(2)).toBe(2);
    expect(shortestFloat32(Math.fround(3.4e38))).toBe(3.4e38);
  });

  it('writes trajectory and row forms that read back to the batch, with scores on every step', async () => {
    const batch = makeBatch({ groups: 3, groupSize: 2, seed: 5, scores: true, labels: true });
    for (const form of ['trajectory', 'row'] as const) {
      const path = join(dir, `scored-${form}.jsonl`);
      await writeJsonlFile(path, [batch], form);
      const [metaLine, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(JSON.parse(metaLine)).toEqual({ meta: batch.meta }); // the batch's meta comes first, on a line of its own
      const stepsOut = form === 'row' ? lines.map((l) => JSON.parse(l)) : lines.flatMap((l) => JSON.parse(l).steps);
      expect(stepsOut).toHaveLength(batch.numRows);
      const records = form === 'row' ? await collect(rowsToTrajectories(readRowRecords(path))) : await collect(readTrajectoryRecords(path));
      for (const t of records) expect(t.meta).toEqual(batch.meta); // and is every record's meta when read
      const rows = records.flatMap((t) => t.steps.map((s, i) => ({ ...s, group: t.group, traj: t.traj, i })));
      expect(rows).toHaveLength(batch.numRows);
      const sc = batch.scores!;
      for (let r = 0; r < batch.numRows; r++) {
        expect(rows[r].group).toBe(batch.groupLabels![batch.group[r]]);
        expect(rows[r].traj).toBe(batch.trajLabels![batch.traj[r]]);
        expect(rows[r].i).toBe(batch.step[r]);
        expect(rows[r].obs).toBe(rowObservation(batch, r));
        expect(rows[r].anchor).toBe(batch.anchor[r]);
        expect(rows[r].action).toBe(batch.action[r]);
        expect(rows[r].valid).toBe(batch.valid[r] === 1);
        expect(Math.fround(rows[r].reward)).toBe(batch.reward[r] === 0 ? 0 : batch.reward[r]); // JSON has no -0
        const s = stepsOut[r];
        expect([s.return, s.episode_advantage, s.step_advantage, s.advantage].map(Math.fround)).toEqual(
          [sc.returns[r], sc.episodeAdvantage[r], sc.stepAdvantage[r], sc.advantage[r]].map((v) => (v === 0 ? 0 : v)),
        );
        expect(s.step_group).toBe(sc.stepGroup[r]);
        expect([s.done, s.truncated]).toEqual([batch.done[r] === 1, batch.truncated[r] === 1]);
      }
    }
  });

  it('writes the optional text and token columns, and plain ids without labels', () => {
    const batch = makeBatch({ groups: 1, groupSize: 2, seed: 9, text: true, tokens: true });
    const first = JSON.parse([...jsonlLines(batch, 'row')][0]);
    expect(first.group).toBe(0);
    expect(first.traj).toBe(0);
    expect(first.prompt).toBe(new TextDecoder().decode(batch.prompt!.data.subarray(0, batch.prompt!.offsets[1])));
    expect(first.prompt_ids).toEqual(Array.from(batch.promptIds!.data.subarray(0, batch.promptIds!.offsets[1])));
    expect(first.logprobs.map(Math.fround)).toEqual(
      Array.from(batch.logprobs!.data.subarray(0, batch.logprobs!.offsets[1]), (v) => (v === 0 ? 0 : v)),
    );
    expect(first).not.toHaveProperty('advantage');
  });

  it('leaves no output file behind when writing fails or is aborted', async () => {
    const sub = mkdtempSync(join(dir, 'abort-'));
    const path = join(sub, 'out.jsonl');
    const bad = makeBatch({ groups: 1, groupSize: 2, seed: 1 });
    bad.obs[0] = 99;
    await expect(writeJsonlFile(path, [makeBatch({ groups: 1, groupSize: 2, seed: 2 }), bad], 'row')).rejects.toThrow(
      'batch.obs[0]: index 99 outside',
    );
    expect(readdirSync(sub)).toEqual([]);
    const w = await JsonlWriter.open(path, 'trajectory');
    await w.write(makeBatch({ groups: 1, groupSize: 2, seed: 2 }));
    await w.abort();
    expect(readdirSync(sub)).toEqual([]);
  });
});
