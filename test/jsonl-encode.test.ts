// The native JSONL encoder (native/core/io/jsonl_encode.cpp, through encodeJsonlLines) against
// an independent writer that builds each step as an object and calls JSON.stringify
// (test/reference/jsonl-objects.ts): byte-identical lines for every optional column, both
// forms, ids as labels, numbers or given; floats over random bit patterns and the edges of
// String()'s notation; strings over random bytes (invalid UTF-8, controls, quotes); row ranges;
// and bad arguments as typed errors naming the column.
import { describe, expect, it } from 'vitest';

import { encodeJsonlLines, jsonlLines } from '../lib/io/jsonl-writer.js';
import { packText, type StepBatch } from '../lib/io/step-batch.js';
import { native } from '../lib/native.js';
import { makeBatch } from './helpers/step-batches.js';
import { float32Text, referenceJsonlLines } from './reference/jsonl-objects.js';

const decoder = new TextDecoder();

function lines(bytes: Uint8Array): string[] {
  const text = decoder.decode(bytes);
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

/** xorshift32, for reproducible random inputs. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** A batch of one trajectory with one row whose logprobs are `values` (the float column of any length). */
function floatBatch(values: Float32Array): StepBatch {
  const b = makeBatch({ groups: 1, groupSize: 1, maxLen: 1, seed: 3, tokens: true });
  b.logprobs = { offsets: Uint32Array.of(0, values.length), data: values };
  return b;
}

describe('native JSONL encoder', () => {
  it('writes the same lines as JSON.stringify of the step objects, every column, both forms', () => {
    for (const seed of [1, 2, 3, 4]) {
      const b = makeBatch({ groups: 5, groupSize: 3, seed, text: true, tokens: true, scores: true, labels: seed % 2 === 0 });
      if (seed >= 3) {
        // A training batch's columns: steps repeated, source rows, weights, per-token advantages.
        b.sourceRow = Uint32Array.from({ length: b.numRows }, (_, r) => 3 * r);
        b.importanceWeight = Float32Array.from({ length: b.numRows }, (_, r) => 1 / (1 + (r % 7)));
        b.tokenAdvantage = {
          offsets: b.responseIds!.offsets,
          data: Float32Array.from(b.responseIds!.data, (v) => v / 3),
        };
        b.stateAnchor = BigUint64Array.from({ length: b.numRows }, (_, r) => (BigInt(r) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn);
      }
      for (const form of ['trajectory', 'row'] as const) {
        const { bytes, trajOffsets } = encodeJsonlLines(b, form);
        const expected = referenceJsonlLines(b, form);
        expect(lines(bytes)).toEqual(expected);
        // Each trajectory's lines start where trajOffsets says.
        const perTraj = form === 'trajectory' ? 1 : undefined;
        expect(trajOffsets[0]).toBe(0);
        expect(trajOffsets[trajOffsets.length - 1]).toBe(bytes.length);
        if (perTraj) expect(trajOffsets.length - 1).toBe(expected.length);
        for (let t = 0; t + 1 < trajOffsets.length; t++) expect(bytes[trajOffsets[t + 1] - 1]).toBe(0x0a);
      }
    }
  });

  it('writes ids as given (numbers stay numbers, strings are quoted)', () => {
    const b = makeBatch({ groups: 3, groupSize: 2, seed: 7, labels: true });
    const ids = {
      group: Array.from({ length: b.groupLabels!.length }, (_, g) => (g % 2 === 0 ? g * 10 : `g"${g}\\`)),
      traj: Array.from({ length: b.trajLabels!.length }, (_, t) => (t % 3 === 0 ? `t${t} ✓` : t + 0.5)),
    };
    for (const form of ['trajectory', 'row'] as const) expect([...jsonlLines(b, form, ids)]).toEqual(referenceJsonlLines(b, form, ids));
  });

  it('writes every float32 as String() of its shortest decimal', () => {
    const next = rng(11);
    const bits = new Uint32Array(200_000);
    for (let i = 0; i < bits.length; i++) bits[i] = next();
    const random = new Float32Array(bits.buffer);
    // The edges of String()'s notation (1e-7, 1e21), integers near 2^24, subnormals, -0, the infinities, NaN.
    const edges = [
      0,
      -0,
      1,
      -1,
      0.1,
      1e-6,
      9.99999e-7,
      1e-7,
      1.5e-7,
      1e20,
      1e21,
      9.999999e20,
      1.0000001e21,
      2 ** 24,
      2 ** 24 + 2,
      2 ** 24 - 1,
      123456789,
      1e-40,
      1.4e-45,
      -1.4e-45,
      3.4028234663852886e38,
      1 / 3,
      2 / 3,
      100,
      1e10,
      12345.678,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const values of [Float32Array.from(random.filter((x) => !Number.isNaN(x))), Float32Array.from(edges)]) {
      const line = lines(encodeJsonlLines(floatBatch(values), 'row').bytes)[0];
      const list = /"logprobs":\[([^\]]*)\]/.exec(line)![1].split(',');
      expect(list).toHaveLength(values.length);
      for (let i = 0; i < values.length; i++)
        if (list[i] !== float32Text(values[i])) expect([i, values[i], list[i]]).toBe(float32Text(values[i]));
    }
  });

  it('writes every string as JSON.stringify of its UTF-8 decoded as TextDecoder does', () => {
    const next = rng(5);
    const pieces = ['"', '\\', '\n', '\t', '\u0001', '\u001f', '\u007f', 'é', '✓', '😀', '\u2028'].map((s) => new TextEncoder().encode(s));
    const texts: Uint8Array[] = [];
    for (let k = 0; k < 3000; k++) {
      const parts: number[] = [];
      const len = next() % 24;
      for (let i = 0; i < len; i++) {
        const kind = next() % 3;
        if (kind === 0)
          parts.push(next() & 0xff); // any byte, often invalid UTF-8
        else if (kind === 1) parts.push(...pieces[next() % pieces.length]);
        else parts.push(0x20 + (next() % 95));
      }
      texts.push(Uint8Array.from(parts));
    }
    // Truncated and overlong sequences, surrogates, the largest code points.
    for (const bad of [
      [0xe2, 0x9c],
      [0xf0, 0x9f, 0x98],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
      [0xff],
      [0x80, 0x80],
    ])
      texts.push(Uint8Array.from(bad));
    const offsets = new Uint32Array(texts.length + 1);
    for (let i = 0; i < texts.length; i++) offsets[i + 1] = offsets[i] + texts[i].length;
    const data = new Uint8Array(offsets[texts.length]);
    for (let i = 0; i < texts.length; i++) data.set(texts[i], offsets[i]);
    const n = texts.length;
    const b = makeBatch({ groups: 1, groupSize: 1, maxLen: 1, seed: 1 });
    const rows: StepBatch = {
      ...b,
      numRows: n,
      group: new Uint32Array(n),
      traj: new Uint32Array(n),
      step: Uint32Array.from({ length: n }, (_, r) => r),
      action: new Int32Array(n),
      reward: new Float32Array(n),
      done: new Uint8Array(n),
      truncated: new Uint8Array(n),
      valid: new Uint8Array(n),
      anchor: new BigUint64Array(n),
      obs: Uint32Array.from({ length: n }, (_, r) => r),
      observations: { offsets, data },
      response: { offsets, data },
    };
    const got = lines(encodeJsonlLines(rows, 'row').bytes);
    const expected = referenceJsonlLines(rows, 'row');
    expect(got).toHaveLength(n);
    for (let r = 0; r < n; r++) if (got[r] !== expected[r]) expect([r, Array.from(texts[r]), got[r]]).toEqual(expected[r]);
  });

  it('encodes row ranges of whole trajectories, whose concatenation is the whole batch', () => {
    const b = makeBatch({ groups: 4, groupSize: 3, seed: 2, text: true, scores: true });
    const whole = encodeJsonlLines(b, 'trajectory');
    const starts = [0];
    for (let r = 1; r < b.numRows; r++) if (b.traj[r] !== b.traj[r - 1]) starts.push(r);
    starts.push(b.numRows);
    const cut = starts[5];
    const a = encodeJsonlLines(b, 'trajectory', undefined, { start: 0, end: cut });
    const c = encodeJsonlLines(b, 'trajectory', undefined, { start: cut, end: b.numRows });
    expect(decoder.decode(a.bytes) + decoder.decode(c.bytes)).toBe(decoder.decode(whole.bytes));
    expect(Array.from(c.trajOffsets, (o) => o + a.bytes.length)).toEqual(Array.from(whole.trajOffsets.subarray(5)));
    expect(() => native.encodeJsonl(b, 'trajectory', undefined, undefined, starts[1] + 1, b.numRows)).toThrow(
      /rows: \[\d+, \d+\) cuts a trajectory/,
    );
    expect(() => native.encodeJsonl(b, 'trajectory', undefined, undefined, 0, b.numRows + 1)).toThrow(RangeError);
  });

  it('refuses bad columns with typed errors naming the column and row', () => {
    const good = () => makeBatch({ groups: 2, groupSize: 2, seed: 4, text: true, tokens: true, labels: true });
    const cases: [string, (b: StepBatch) => unknown, RegExp][] = [
      [
        'obs index',
        (b) => Object.assign(b, { obs: Uint32Array.from(b.obs, (o, r) => (r === 3 ? 999 : o)) }),
        /^obs\[3\]: 999 is out of range/,
      ],
      [
        'observation offsets',
        (b) =>
          Object.assign(b, {
            observations: { ...b.observations, offsets: Uint32Array.from(b.observations.offsets, (o, i) => (i === 1 ? 1e6 : o)) },
          }),
        /^observations\.offsets\[0\]: element 0 spans \[0, 1000000\)/,
      ],
      [
        'prompt offsets',
        (b) =>
          Object.assign(b, {
            prompt: { ...b.prompt!, offsets: Uint32Array.from(b.prompt!.offsets, (o, i) => (i === b.numRows ? 1e7 : o)) },
          }),
        /^prompt\.offsets\[\d+\]/,
      ],
      [
        'logprobs type',
        (b) => ({ ...b, logprobs: { offsets: b.logprobs!.offsets, data: new Float64Array(3) } }),
        /batch\.logprobs\.data: expected a Float32Array/,
      ],
      ['reward length', (b) => ({ ...b, reward: new Float32Array(1) }), /batch\.reward: expected length \d+, got 1/],
      [
        'scores',
        (b) => ({ ...b, scores: { returns: new Float32Array(b.numRows) } }),
        /batch\.scores\.episodeAdvantage: expected a Float32Array/,
      ],
      ['missing observations', (b) => ({ ...b, observations: undefined }), /batch\.observations: expected \{ offsets, data \}/],
    ];
    for (const [what, corrupt, message] of cases) {
      const b = corrupt(good());
      expect(() => native.encodeJsonl(b as object, 'row'), what).toThrow(message);
    }
    const b = good();
    expect(() => native.encodeJsonl(b, 'row', packText(['"a"']))).toThrow(/^group\[\d+\]: 1 is out of range \(1 entries\)/);
    expect(() => native.encodeJsonl(b, 'columns' as 'row')).toThrow(/form: expected 'trajectory' or 'row', got 'columns'/);
  });

  it('reads every argument before it touches a column: a getter that detaches one is an error, not a use after free', () => {
    const b = makeBatch({ groups: 2, groupSize: 2, seed: 4, text: true });
    const reward = b.reward;
    const hostile = {
      ...b,
      get scores() {
        structuredClone(reward.buffer, { transfer: [reward.buffer as ArrayBuffer] }); // detaches the reward column read before
        return undefined;
      },
    };
    expect(() => native.encodeJsonl(hostile, 'row')).toThrow(/batch\.reward: was detached or resized while the arguments were read/);
  });
});
