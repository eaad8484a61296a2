import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { Packr, unpack } from 'msgpackr';
import { afterAll, describe, expect, it } from 'vitest';

import { GigpoInputError, concatStepBatches, type StepBatch } from '../lib/index.js';
import { decodeChunk, encodeChunk } from '../lib/io/msgpack-chunk.js';
import { readMsgpackChunks } from '../lib/io/msgpack-reader.js';
import { MsgpackWriter, writeMsgpackFile } from '../lib/io/msgpack-writer.js';
import type { ChunkMap } from './helpers/hostile-inputs.js';
import { batchColumns, makeBatch } from './helpers/step-batches.js';

const dir = mkdtempSync(join(tmpdir(), 'gigpo-io-msgpack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plain = new Packr({ useRecords: false, moreTypes: false });

async function readAll(input: string | AsyncIterable<Uint8Array>): Promise<StepBatch[]> {
  const out: StepBatch[] = [];
  for await (const b of readMsgpackChunks(input)) out.push(b);
  return out;
}

async function readError(input: string | AsyncIterable<Uint8Array>): Promise<GigpoInputError> {
  try {
    await readAll(input);
  } catch (err) {
    expect(err).toBeInstanceOf(GigpoInputError);
    return err as GigpoInputError;
  }
  throw new Error('expected the read to fail');
}

/** The chunk as plain JS values, to edit and re-pack as a malformed chunk. */
function chunkMap(b: StepBatch): ChunkMap {
  return unpack(encodeChunk(b)) as ChunkMap;
}

const full = (seed: number, firstGroup: number) =>
  makeBatch({ groups: 5, groupSize: 3, seed, firstGroup, text: true, tokens: true, scores: true });

describe('columnar msgpack', () => {
  it('round-trips every column kind over several chunks, bit for bit', async () => {
    const parts = [full(1, 0), full(2, 5), makeBatch({ groups: 2, groupSize: 4, seed: 3, firstGroup: 10 })];
    const labelled = makeBatch({ groups: 3, groupSize: 2, seed: 4, labels: true, text: true });
    labelled.groupLabels = labelled.groupLabels!.map((l) => `other-${l}`);
    const batches = [...parts, labelled];
    const path = join(dir, 'roundtrip.msgpack');
    const stats = await writeMsgpackFile(path, batches);
    expect(stats).toEqual({ chunks: 4, rows: batches.reduce((s, b) => s + b.numRows, 0) });
    const back = await readAll(path);
    expect(back).toHaveLength(4);
    for (let i = 0; i < 4; i++) {
      expect(batchColumns(back[i])).toEqual(batchColumns(batches[i]));
      expect(back[i].meta).toEqual(batches[i].meta);
    }
    // Awkward floats kept their bits: -0, a subnormal, the f32 nearest 0.1.
    const rewards = new Set(Array.from(back[0].reward, (x) => (Object.is(x, -0) ? '-0' : String(x))));
    expect(rewards).toContain('-0');
    expect(rewards).toContain(String(Math.fround(1e-40)));
    expect(back[0].logprobs!.data.some((x) => Object.is(x, -0))).toBe(true);
    // And the same rows come back when read from a stream cut into odd pieces.
    const bytes = readFileSync(path);
    const pieces = [];
    for (let at = 0; at < bytes.length; at += 777) pieces.push(bytes.subarray(at, at + 777));
    const streamed = await readAll(Readable.from(pieces));
    expect(streamed.map(batchColumns)).toEqual(batches.map(batchColumns));
  });

  it('reads a stream byte by byte, and hands out each chunk before the producer sends the next', async () => {
    const a = makeBatch({ groups: 2, groupSize: 2, seed: 5, text: true });
    const b = makeBatch({ groups: 1, groupSize: 2, seed: 6, firstGroup: 2 });
    const bytes = Buffer.concat([encodeChunk(a), encodeChunk(b)]);
    const single = await readAll(Readable.from(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))));
    expect(single.map(batchColumns)).toEqual([a, b].map(batchColumns));
    // A producer that waits for the consumer after each chunk (as over a pipe with replies).
    let delivered!: () => void;
    const firstDelivered = new Promise<void>((resolve) => (delivered = resolve));
    async function* producer() {
      yield encodeChunk(a);
      await firstDelivered;
      yield encodeChunk(b);
    }
    const seen: number[] = [];
    for await (const chunk of readMsgpackChunks(producer())) {
      seen.push(chunk.numRows);
      delivered();
    }
    expect(seen).toEqual([a.numRows, b.numRows]);
  });

  it('writes plain maps with raw little-endian bytes that any msgpack decoder reads', () => {
    const b = full(7, 0);
    const m = chunkMap(b);
    expect(Object.keys(m)).toEqual(['format', 'version', 'meta', 'columns']);
    expect(m.format).toBe('gigpo.steps');
    expect(m.version).toBe(1);
    expect(m.meta).toEqual(b.meta);
    const reward = m.columns.reward;
    expect(reward.dtype).toBe('f32');
    expect(reward.shape).toEqual([b.numRows]);
    const view = new DataView(reward.data.buffer, reward.data.byteOffset, reward.data.byteLength);
    for (let r = 0; r < b.numRows; r++) expect(Object.is(view.getFloat32(4 * r, true), b.reward[r])).toBe(true);
    const anchor = m.columns.anchor;
    expect(anchor.dtype).toBe('u64');
    expect(new DataView(anchor.data.buffer, anchor.data.byteOffset).getBigUint64(0, true)).toBe(b.anchor[0]);
    expect(m.columns.observations.dtype).toBe('u8');
    expect(m.columns.observations.encoding).toBe('utf-8');
    expect(m.columns.observations.offsets.dtype).toBe('u32');
    expect(m.columns.logprobs.offsets.shape).toEqual([b.numRows + 1]);
    expect(m.columns.stepGroup.dtype).toBe('u32');
  });

  it('decodes in place when aligned and copies only when misaligned', () => {
    const b = full(8, 0);
    const encoded = encodeChunk(b);
    for (const shift of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const holder = new Uint8Array(encoded.length + 8);
      holder.set(encoded, shift);
      const bytes = holder.subarray(shift, shift + encoded.length);
      const raw = unpack(bytes) as { columns: Record<string, { data: Uint8Array }> };
      const decoded = decodeChunk(bytes, 'chunk');
      expect(batchColumns(decoded)).toEqual(batchColumns(b));
      const columns: [string, ArrayBufferView & { BYTES_PER_ELEMENT: number }][] = [
        ['group', decoded.group],
        ['reward', decoded.reward],
        ['anchor', decoded.anchor],
        ['done', decoded.done],
        ['advantage', decoded.scores!.advantage],
        ['logprobs', decoded.logprobs!.data],
      ];
      for (const [name, array] of columns) {
        const offset = raw.columns[name].data.byteOffset;
        const aligned = offset % array.BYTES_PER_ELEMENT === 0;
        // A view exactly where the bytes sit aligned; otherwise a copy of its own.
        expect(array.buffer === holder.buffer, `${name} at ${offset}`).toBe(aligned);
        if (aligned) expect(array.byteOffset).toBe(offset);
      }
    }
  });

  it('refuses to encode columns of the wrong type or length, even without row validation', () => {
    const b = full(3, 0);
    const wide = { ...b, reward: Float64Array.from(b.reward) as unknown as Float32Array };
    expect(() => encodeChunk(wide)).toThrow('batch.reward: expected a Float32Array, got a Float64Array');
    const short = { ...b, anchor: b.anchor.subarray(1) };
    expect(() => encodeChunk(short, undefined, { validate: false })).toThrow(
      `batch.anchor: expected ${b.numRows} elements, got ${b.numRows - 1}`,
    );
    const noTable = { ...b, observations: undefined as never };
    expect(() => encodeChunk(noTable, undefined, { validate: false })).toThrow(
      'batch.observations: expected {offsets, data}, got undefined',
    );
    const badScores = { ...b, scores: { ...b.scores!, stepGroup: new Int32Array(b.numRows) as unknown as Uint32Array } };
    expect(() => encodeChunk(badScores, undefined, { validate: false })).toThrow(
      'batch.scores.stepGroup: expected a Uint32Array, got an Int32Array',
    );
    // Without row validation a broken row rule is written, and the reader rejects it.
    const swapped = { ...b, step: b.step.map((s, r) => (r === 0 ? 1 : s)) };
    expect(() => decodeChunk(encodeChunk(swapped, undefined, { validate: false }), 'c')).toThrow(
      'c: columns.step[0]: trajectory 0 must start at step 0, got 1',
    );
    expect(() => encodeChunk(swapped)).toThrow('batch.step[0]: trajectory 0 must start at step 0, got 1');
  });

  it('writes one empty chunk for a run with no batches, which reads back as zero rows', async () => {
    const path = join(dir, 'empty-run.msgpack');
    const w = await MsgpackWriter.open(path);
    await w.close();
    const back = await readAll(path);
    expect(back.map((b) => b.numRows)).toEqual([0]);
  });

  it('leaves no output and no temporary file behind when writing fails', async () => {
    const sub = mkdtempSync(join(dir, 'abort-'));
    const path = join(sub, 'out.msgpack');
    async function* failing() {
      yield full(1, 0);
      throw new Error('policy server went away');
    }
    await expect(writeMsgpackFile(path, failing())).rejects.toThrow('policy server went away');
    const bad = full(2, 0);
    bad.reward = bad.reward.subarray(1);
    await expect(writeMsgpackFile(path, [full(1, 0), bad])).rejects.toThrow('batch.reward: expected');
    expect(readdirSync(sub)).toEqual([]);
    const w = await MsgpackWriter.open(path);
    await w.write(full(1, 0));
    expect(readdirSync(sub)).toHaveLength(1); // the temporary file only
    expect(readdirSync(sub)[0]).not.toBe('out.msgpack');
    await w.abort();
    expect(readdirSync(sub)).toEqual([]);
  });
});

describe('columnar msgpack: bad input', () => {
  const good = [full(1, 0), full(2, 5)];
  const goodBytes = Buffer.concat(good.map((b) => encodeChunk(b)));
  const firstLength = encodeChunk(good[0]).length;

  function file(name: string, bytes: Uint8Array): string {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  function withChunk(edit: (m: ChunkMap) => void, base = good[1]): string {
    const m = chunkMap(base);
    edit(m);
    return file('edited.msgpack', Buffer.concat([encodeChunk(good[0]), plain.pack(m)]));
  }

  it('names the chunk and byte offset of a truncated file, wherever it is cut', async () => {
    for (const cut of [firstLength + 1, firstLength + 40, goodBytes.length - 100, goodBytes.length - 1]) {
      const err = await readError(file('cut.msgpack', goodBytes.subarray(0, cut)));
      expect(err.message).toContain('cut.msgpack: chunk 1');
      expect(err.message).toContain(`truncated: the chunk starting at byte offset ${firstLength}`);
    }
  });

  it('rejects garbage bytes, a non-chunk value and a missing or empty file', async () => {
    let err = await readError(file('garbage.msgpack', Buffer.concat([goodBytes, Buffer.from([0xc1, 1, 2, 3])])));
    expect(err.message).toBe(`${join(dir, 'garbage.msgpack')}: chunk 2: not msgpack (garbage at byte offset ${goodBytes.length})`);
    err = await readError(file('text.msgpack', Buffer.from('{"group": 1, "traj": 2}\n')));
    expect(err.message).toContain('text.msgpack: chunk 0: expected a gigpo.steps chunk map, got 123');
    err = await readError(file('array.msgpack', plain.pack([1, 2, 3])));
    expect(err.message).toContain('array.msgpack: chunk 0: expected a gigpo.steps chunk map, got an array');
    err = await readError(join(dir, 'no-such-file.msgpack'));
    expect(err.message).toBe(`${join(dir, 'no-such-file.msgpack')}: no such file`);
    err = await readError(file('empty.msgpack', new Uint8Array(0)));
    expect(err.message).toContain('empty.msgpack: empty file: no chunks');
    err = await readError(Readable.from([Buffer.from([0x82])]));
    expect(err.message).toContain('<stdin>: chunk 0: truncated');
  });

  it('rejects a wrong format or version', async () => {
    let err = await readError(withChunk((m) => (m.format = 'steps')));
    expect(err.message).toContain('chunk 1: format: expected "gigpo.steps", got "steps"');
    err = await readError(withChunk((m) => (m.version = 2)));
    expect(err.message).toContain('chunk 1: version: this reader knows version 1, got 2');
    err = await readError(withChunk((m) => delete m.columns));
    expect(err.message).toContain('chunk 1: columns: expected a map, got undefined');
  });

  it('rejects wrong dtypes, lengths and shapes, naming the column', async () => {
    const cases: [string, (m: ChunkMap) => void, string][] = [
      ['wrong dtype', (m) => (m.columns.reward.dtype = 'f64'), 'columns.reward.dtype: expected f32, got "f64"'],
      ['short data', (m) => (m.columns.reward.data = m.columns.reward.data.subarray(4)), 'columns.reward.data: expected'],
      [
        'short column',
        (m) => {
          const c = m.columns.traj;
          c.shape = [c.shape[0] - 1];
          c.data = c.data.subarray(4);
        },
        'columns.traj.shape: expected [',
      ],
      ['shape of two dims', (m) => (m.columns.step.shape = [1, 2]), 'columns.step.shape: expected [length], got [1,2]'],
      ['data not binary', (m) => (m.columns.valid.data = 'abc'), 'columns.valid.data: expected binary data, got "abc"'],
      ['missing column', (m) => delete m.columns.anchor, 'columns.anchor: missing'],
      ['missing offsets', (m) => delete m.columns.prompt.offsets, 'columns.prompt.offsets: missing'],
      ['column not a map', (m) => (m.columns.obs = [1, 2]), 'columns.obs: expected a {dtype, shape, data} map, got an array'],
      [
        'offsets going back',
        (m) => {
          const o = new Uint32Array(new Uint8Array(m.columns.response.offsets.data).buffer);
          o[2] = o[3] + 1;
          m.columns.response.offsets.data = new Uint8Array(o.buffer);
        },
        'columns.response.offsets[3]:',
      ],
      [
        'last offset beyond data',
        (m) => {
          const o = new Uint32Array(new Uint8Array(m.columns.observations.offsets.data).buffer);
          o[o.length - 1] += 1;
          m.columns.observations.offsets.data = new Uint8Array(o.buffer);
        },
        'columns.observations.offsets: last offset',
      ],
      [
        'obs outside the table',
        (m) => {
          const o = new Uint32Array(new Uint8Array(m.columns.obs.data).buffer);
          o[5] = 10_000;
          m.columns.obs.data = new Uint8Array(o.buffer);
        },
        'columns.obs[5]: index 10000 outside the observation table',
      ],
      [
        'step order broken',
        (m) => {
          const o = new Uint32Array(new Uint8Array(m.columns.step.data).buffer);
          o[0] = 1;
          m.columns.step.data = new Uint8Array(o.buffer);
        },
        'columns.step[0]: trajectory 15 must start at step 0, got 1',
      ],
      [
        'NaN reward',
        (m) => {
          const o = new Float32Array(new Uint8Array(m.columns.reward.data).buffer);
          o[2] = NaN;
          m.columns.reward.data = new Uint8Array(o.buffer);
        },
        'columns.reward[2]: must be finite, got NaN',
      ],
      [
        'infinite advantage',
        (m) => {
          const o = new Float32Array(new Uint8Array(m.columns.advantage.data).buffer);
          o[1] = -Infinity;
          m.columns.advantage.data = new Uint8Array(o.buffer);
        },
        'columns.advantage[1]: must be finite, got -Infinity',
      ],
      ['stepGroup of the wrong dtype', (m) => (m.columns.stepGroup.dtype = 'i32'), 'columns.stepGroup.dtype: expected u32, got "i32"'],
      ['partial scores', (m) => delete m.columns.stepAdvantage, 'columns.stepAdvantage: missing (a scored chunk carries all of'],
      ['label table too short', (m) => (m.columns.groupLabels = ['a']), 'columns.groupLabels: has 1 entries but row 0 uses id 5'],
      ['label not a string', (m) => (m.columns.trajLabels = [1, 2]), 'columns.trajLabels[0]: expected a string, got 1'],
      ['meta not a map', (m) => (m.meta = [1]), 'meta: expected a map, got an array'],
    ];
    for (const [what, edit, expected] of cases) {
      const err = await readError(withChunk(edit));
      expect(err.message, what).toContain('edited.msgpack: chunk 1: ');
      expect(err.message, what).toContain(expected);
    }
  });

  it('rejects a trajectory or group that is not contiguous, with dense or sparse ids', async () => {
    for (const scale of [1, 1_000_003]) {
      const b = makeBatch({ groups: 3, groupSize: 2, seed: 9, maxLen: 3 });
      b.traj = b.traj.map((t) => t * scale);
      b.group = b.group.map((g) => g * scale);
      expect(batchColumns(decodeChunk(encodeChunk(b), 'ok'))).toEqual(batchColumns(b));
      // Move the last trajectory's id to that of the first: the id now starts twice.
      const last = b.traj[b.numRows - 1];
      const first = b.traj[0];
      const moved = {
        ...b,
        traj: b.traj.map((t) => (t === last ? first : t)),
        group: b.group.map((g, r) => (b.traj[r] === last ? b.group[0] : g)),
      };
      const row = b.traj.indexOf(last);
      let err = await readError(file('traj-twice.msgpack', encodeChunk(moved, undefined, { validate: false })));
      expect(err.message).toContain(`chunk 0: columns.traj[${row}]: trajectory ${first} is not contiguous`);
      // A group that comes back after another group.
      const g0 = b.group[0];
      const regroup = { ...b, group: b.group.map((g, r) => (b.traj[r] === last ? g0 : g)) };
      err = await readError(file('group-twice.msgpack', encodeChunk(regroup, undefined, { validate: false })));
      expect(err.message).toContain(`chunk 0: columns.group[${row}]: group ${g0} is not contiguous`);
    }
  });

  it('rejects a group split over two chunks', async () => {
    const a = makeBatch({ groups: 2, groupSize: 2, seed: 1, firstGroup: 0 });
    const b = makeBatch({ groups: 2, groupSize: 2, seed: 2, firstGroup: 1, firstTraj: 100 });
    const err = await readError(file('split.msgpack', Buffer.concat([encodeChunk(a), encodeChunk(b)])));
    expect(err.message).toContain('split.msgpack: chunk 1: columns.group: group 1 also appears in chunk 0');
    // The check can be turned off, and merging the chunks gives the rows back in order.
    const all: StepBatch[] = [];
    for await (const c of readMsgpackChunks(join(dir, 'split.msgpack'), { checkGroups: false })) all.push(c);
    expect(concatStepBatches(all).numRows).toBe(a.numRows + b.numRows);
  });
});

describe('scores through concatenation', () => {
  it('concatenates scored batches column by column and refuses a mix of scored and unscored', () => {
    const a = makeBatch({ groups: 2, groupSize: 2, seed: 1, scores: true });
    const b = makeBatch({ groups: 2, groupSize: 2, seed: 2, firstGroup: 2, scores: true });
    const merged = concatStepBatches([a, b]);
    const cols = batchColumns(merged).scores as Record<string, number[]>;
    const ca = batchColumns(a).scores as Record<string, number[]>;
    const cb = batchColumns(b).scores as Record<string, number[]>;
    for (const k of Object.keys(ca)) expect(cols[k]).toEqual([...ca[k], ...cb[k]]);
    const { scores: _, ...unscored } = b;
    expect(() => concatStepBatches([a, unscored])).toThrow('batches: 1 of 2 batches carry scores');
  });
});
