// Mutations of valid reader inputs for the fuzz suite: raw byte damage (flips, truncation,
// splices, declared lengths far beyond the data) and structural lies decoded and re-encoded
// (shapes, dtypes, offsets, flags, UTF-8, ids), plus giant JSONL lines. Every mutation is a
// pure function of a seeded random source, so a failing case is replayed from its seed.
import { Packr, Unpackr } from 'msgpackr';

import { encodeChunk } from '../../lib/index.js';
import type { ChunkMap } from '../helpers/hostile-inputs.js';
import { prng } from '../helpers/random-batch.js';
import { makeBatch } from '../helpers/step-batches.js';

export type Rand = () => number;

export interface Mutant {
  /** File name: its extension gives the format. */
  file: string;
  bytes: Uint8Array;
  /** What was done, for the failure report. */
  what: string;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

const int = (rand: Rand, n: number) => Math.floor(rand() * n);
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[int(rand, xs.length)];

/** Valid msgpack files: one to three chunks of consecutive groups, with and without the optional columns. */
export function msgpackSeeds(): Uint8Array[] {
  const seeds: Uint8Array[] = [];
  const variants = [
    {},
    { text: true, tokens: true },
    { scores: true, labels: true },
    { text: true, scores: true, labels: true, tokens: true },
  ];
  for (let v = 0; v < variants.length; v++) {
    const chunks = [];
    for (let c = 0; c <= v % 3; c++)
      chunks.push(
        encodeChunk(makeBatch({ groups: 2 + c, groupSize: 2, seed: 10 * v + c, firstGroup: 10 * c, maxLen: 4, ...variants[v] }), {
          env: 'sokoban',
        }),
      );
    seeds.push(new Uint8Array(Buffer.concat(chunks)));
  }
  return seeds;
}

/** Valid JSONL files: trajectory form (ids as numbers and strings, anchors, actions, scores) and row form. */
export function jsonlSeeds(): Uint8Array[] {
  const rand = prng(7);
  const lines = (form: 'traj' | 'row' | 'scored'): string[] => {
    const out: string[] = [];
    for (let g = 0; g < 4; g++)
      for (let t = 0; t < 3; t++) {
        const length = 1 + int(rand, 4);
        const steps = Array.from({ length }, (_, s) => {
          const step: Record<string, unknown> = { obs: `room ${g} at ${int(rand, 3)} ü`, reward: s === length - 1 ? int(rand, 2) : 0 };
          if (rand() < 0.3) step.valid = false;
          if (rand() < 0.5) step.action = rand() < 0.5 ? int(rand, 4) : 'left';
          if (rand() < 0.2) step.anchor = (0x1234abcd + g * 7 + s).toString(16).padStart(16, '0');
          if (form === 'scored')
            Object.assign(step, { return: 0.5, episode_advantage: 0.1, step_advantage: 0, advantage: 0.1, step_group: s });
          return step;
        });
        const group = g % 2 ? `task-${g}` : g;
        if (form === 'row')
          steps.forEach((s, k) => {
            out.push(JSON.stringify({ group, traj: `${g}/${t}`, step: k, ...s }));
          });
        else out.push(JSON.stringify({ group, traj: g * 3 + t, steps }));
      }
    return out;
  };
  return (['traj', 'row', 'scored'] as const).map((f) => new TextEncoder().encode(`${lines(f).join('\n')}\n`));
}

// ---- byte-level damage, for either format ----

function flip(rand: Rand, b: Uint8Array): [Uint8Array, string] {
  const out = b.slice();
  const k = 1 + int(rand, 8);
  for (let i = 0; i < k; i++) out[int(rand, out.length)] = pick(rand, [0x00, 0xff, 0xc1, 0x0a, 0x22, 0x7b, 0xdf, 0x80, int(rand, 256)]);
  return [out, `${k} byte flips`];
}

function truncate(rand: Rand, b: Uint8Array): [Uint8Array, string] {
  const at = int(rand, b.length);
  return [b.slice(0, at), `truncated at ${at}`];
}

function splice(rand: Rand, b: Uint8Array, other: Uint8Array): [Uint8Array, string] {
  const a = int(rand, b.length);
  const c = int(rand, other.length);
  return [new Uint8Array(Buffer.concat([b.subarray(0, a), other.subarray(c)])), `splice at ${a} of another seed from ${c}`];
}

// ---- msgpack structure ----

/** Rewrites the length field of a random bin/str/array/map header to a value far beyond the data. */
function hugeLength(rand: Rand, b: Uint8Array): [Uint8Array, string] {
  const heads: number[] = [];
  for (let i = 0; i < b.length; i++)
    if ((b[i] >= 0xc4 && b[i] <= 0xc6) || (b[i] >= 0xd9 && b[i] <= 0xdb) || (b[i] >= 0xdc && b[i] <= 0xdf)) heads.push(i);
  if (heads.length === 0) return flip(rand, b);
  const at = pick(rand, heads);
  const out = Buffer.from(b);
  const width =
    new Map([
      [0xc4, 1],
      [0xd9, 1],
      [0xc5, 2],
      [0xda, 2],
      [0xdc, 2],
      [0xde, 2],
    ]).get(out[at]) ?? 4;
  const value = pick(
    rand,
    width === 1 ? [0xff, 0x80] : width === 2 ? [0xffff, 0x8000] : [0xffffffff, 0x80000000, 0xc0000000, 0x7fffffff, b.length],
  );
  if (at + 1 + width > out.length) return truncate(rand, b);
  out.writeUIntBE(value, at + 1, width);
  return [new Uint8Array(out), `length at ${at} set to ${value}`];
}

/** Cuts a msgpack file into its chunks (the format's framing: consecutive top-level maps). */
function chunksOf(b: Uint8Array): ChunkMap[] {
  return unpackr.unpackMultiple(b) as ChunkMap[];
}

const DTYPE_LIES = ['u8', 'i8', 'u16', 'u32', 'i32', 'u64', 'f32', 'f64', 'f16', '', 42, null];
const SHAPE_LIES = (n: number) => [[2n ** 32n], [2n ** 64n - 1n], [-1], [n + 1], [n - 1], [1.5], ['x'], [n, 2], [], null, 'n', [2 ** 53]];
const VALUE_LIES = [null, true, 'text', 12, -1, 2n ** 63n, [], {}, new Uint8Array(3)];

/** One lie told in a decoded chunk (true if it found something to lie about). */
function lie(rand: Rand, chunk: ChunkMap): string {
  const columns = chunk.columns;
  // An earlier lie may have replaced `columns` with a string or a typed array: lie about it as a whole then.
  const isMap = typeof columns === 'object' && columns !== null && !ArrayBuffer.isView(columns);
  const names = isMap ? Object.keys(columns) : [];
  if (names.length === 0 || rand() < 0.08) {
    const key = pick(rand, ['format', 'version', 'meta', 'columns']);
    chunk[key] = pick(rand, VALUE_LIES);
    return `${key} replaced`;
  }
  const name = pick(rand, names);
  const col = columns[name];
  const isColumn = col && typeof col === 'object' && 'data' in col;
  const kind = int(rand, 10);
  if (!isColumn || kind === 0) {
    if (rand() < 0.5) delete columns[name];
    else columns[name] = pick(rand, VALUE_LIES);
    return `column ${name} removed or replaced`;
  }
  const target = col.offsets && rand() < 0.5 ? col.offsets : col;
  const which = target === col ? name : `${name}.offsets`;
  const data: Uint8Array = target.data instanceof Uint8Array ? target.data : new Uint8Array(0);
  switch (kind) {
    case 1:
      target.shape = pick(rand, SHAPE_LIES(Number(target.shape?.[0] ?? 0)));
      return `${which}.shape lie`;
    case 2:
      target.dtype = pick(rand, DTYPE_LIES);
      return `${which}.dtype lie`;
    case 3:
      target.data = data.subarray(0, Math.max(0, data.length - 1 - int(rand, 4)));
      return `${which}.data shortened`;
    case 4: {
      // Both shape and data grown together: consistent lengths, wrong row count.
      const size = Math.max(1, data.length / Math.max(1, Number(target.shape?.[0] ?? 1)));
      target.data = new Uint8Array(Buffer.concat([data, Buffer.alloc(size, 1)]));
      if (Array.isArray(target.shape)) target.shape = [Number(target.shape[0]) + 1];
      return `${which} grown by one element`;
    }
    default: {
      if (data.length === 0) return `${which} empty (kept)`;
      const copy = data.slice();
      const at = int(rand, copy.length);
      copy[at] = pick(rand, [0xff, 0x80, 0x02, 0x00, 0xc0, 0x7f, int(rand, 256)]);
      target.data = copy;
      return `${which}.data[${at}] changed`;
    }
  }
}

function structural(rand: Rand, b: Uint8Array): [Uint8Array, string] {
  const chunks = chunksOf(b);
  const k = int(rand, chunks.length);
  const told: string[] = [];
  for (let i = 1 + int(rand, 2); i > 0; i--) told.push(lie(rand, chunks[k]));
  if (rand() < 0.1) chunks.push(chunks[0]); // a group in two chunks
  return [new Uint8Array(Buffer.concat(chunks.map((c) => packr.pack(c)))), `chunk ${k}: ${told.join('; ')}`];
}

// ---- JSONL structure ----

const TOKEN_LIES = [
  'NaN',
  '-Infinity',
  'Infinity',
  '1e39',
  '-0',
  '"x"',
  'null',
  'true',
  '[]',
  '{}',
  '1.5',
  '4294967296',
  '18446744073709551616',
  '"\\ud800"',
];

/** A random number, string or literal in the text replaced by a lie; or a line dropped, doubled or swapped. */
function jsonEdit(rand: Rand, b: Uint8Array): [Uint8Array, string] {
  const text = new TextDecoder().decode(b);
  const lines = text.split('\n');
  const kind = int(rand, 6);
  if (kind === 0 && lines.length > 2) {
    const i = int(rand, lines.length - 1);
    const j = int(rand, lines.length - 1);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return [new TextEncoder().encode(lines.join('\n')), `lines ${i + 1} and ${j + 1} swapped`];
  }
  if (kind === 1) {
    const i = int(rand, lines.length);
    lines.splice(i, 0, lines[int(rand, lines.length)]);
    return [new TextEncoder().encode(lines.join('\n')), `a line doubled at ${i + 1}`];
  }
  const tokens = [...text.matchAll(/-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|true|false|null/g)];
  if (tokens.length === 0) return flip(rand, b);
  const t = pick(rand, tokens);
  const lieText = kind === 2 ? `[${'['.repeat(int(rand, 200000))}` : pick(rand, TOKEN_LIES);
  const out = text.slice(0, t.index) + lieText + text.slice(t.index! + t[0].length);
  return [new TextEncoder().encode(out), `${t[0].slice(0, 20)} at ${t.index} -> ${lieText.slice(0, 20)}`];
}

/** A line of 10-20 MB (one huge obs string) inserted, ending well, with a NaN, or with a syntax error. */
function giantLine(rand: Rand, b: Uint8Array): [Uint8Array, string] {
  const text = new TextDecoder().decode(b);
  const lines = text.split('\n');
  const mb = 10 + int(rand, 11);
  const end = pick(rand, ['1}]}', 'NaN}]}', '1},,]}', '1}]', 'Infinity}]}']);
  const line = `{"group":0,"traj":"giant","steps":[{"obs":"${'ab\\"c '.repeat(Math.ceil((mb * 1e6) / 6))}","reward":${end}`;
  const at = int(rand, lines.length);
  lines.splice(at, 0, line);
  return [new TextEncoder().encode(lines.join('\n')), `${mb} MB line at ${at + 1} ending ${end}`];
}

export interface MutationSource {
  next(): Mutant;
}

/** An endless, seeded stream of mutants over the seeds of both formats. */
export function mutants(seed: number): MutationSource {
  const rand = prng(seed);
  const mp = msgpackSeeds();
  const js = jsonlSeeds();
  let n = 0;
  return {
    next() {
      n++;
      if (rand() < 0.5) {
        const b = pick(rand, mp);
        const op = int(rand, 10);
        const [bytes, what] =
          op < 4
            ? structural(rand, b)
            : op < 6
              ? hugeLength(rand, b)
              : op < 8
                ? flip(rand, b)
                : op < 9
                  ? truncate(rand, b)
                  : splice(rand, b, pick(rand, mp));
        return { file: `case${n}.msgpack`, bytes, what };
      }
      const b = pick(rand, js);
      const op = int(rand, 40);
      const [bytes, what] =
        op < 1
          ? giantLine(rand, b)
          : op < 20
            ? jsonEdit(rand, b)
            : op < 32
              ? flip(rand, b)
              : op < 36
                ? truncate(rand, b)
                : splice(rand, b, pick(rand, js));
      return { file: `case${n}.jsonl`, bytes, what };
    },
  };
}
