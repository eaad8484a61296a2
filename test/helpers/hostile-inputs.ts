// Inputs that once crashed a reader or gave an error naming nothing (issue 16), kept as
// regression cases for the tests and as seeds for the fuzz suite. Each says what the
// error must say after the input's path.
import { Packr, Unpackr } from 'msgpackr';

import { encodeChunk } from '../../lib/index.js';
import { makeBatch } from './step-batches.js';

export interface HostileInput {
  name: string;
  /** File name (its extension gives the format). */
  file: string;
  bytes: () => Uint8Array;
  /** What `gigpo score` prints after "gigpo: <path>". */
  error: string;
  /** The error's place is one line or chunk that --skip-invalid can skip (with other good data around it). */
  skippable?: boolean;
}

/** A chunk of 2 groups of 2 made by makeBatch: valid, small, every fixed column. */
export function validChunk(seed = 1, firstGroup = 0): Uint8Array {
  return encodeChunk(makeBatch({ groups: 2, groupSize: 2, seed, firstGroup, maxLen: 3 }), {});
}

/**
 * A decoded chunk map (columns' data as Uint8Arrays) to make malformed: an edit reads any field and
 * writes a value of any type to it, which is what the readers must survive, so the fields are untyped.
 */
// biome-ignore lint/suspicious/noExplicitAny: a hostile edit may put a value of any type at any path
export type ChunkMap = Record<string, any>;

/** A valid chunk re-packed with `edit` applied to its decoded map (columns' data as Uint8Arrays). */
export function editedChunk(bytes: Uint8Array, edit: (chunk: ChunkMap) => void): Uint8Array {
  const chunk = new Unpackr({ useRecords: false, mapsAsObjects: true }).unpack(bytes);
  edit(chunk);
  return new Packr({ useRecords: false, moreTypes: false }).pack(chunk);
}

/** 48 bytes: a chunk map whose last value declares a bin32 of 3 GiB that the file does not hold. */
export function declaredHugeBin(): Uint8Array {
  const head = Buffer.concat([
    Buffer.from([0x83, 0xa6]),
    Buffer.from('format'),
    Buffer.from([0xab]),
    Buffer.from('gigpo.steps'),
    Buffer.from([0xa7]),
    Buffer.from('version'),
    Buffer.from([0x01]),
    Buffer.from([0xa7]),
    Buffer.from('columns'),
    Buffer.from([0xc6, 0xc0, 0x00, 0x00, 0x00]),
  ]);
  return new Uint8Array(Buffer.concat([head, Buffer.alloc(48 - head.length, 0x20)]));
}

const trajectoryLine = (group: number, traj: number, obs = `s${group}`) =>
  JSON.stringify({
    group,
    traj,
    steps: [
      { obs, reward: 0 },
      { obs: 'end', reward: 1 },
    ],
  });

/** JSONL of good lines 1 and 3 around line 2 (a trajectory of group 0), `bad` giving line 2. */
function jsonlAround(bad: string): Uint8Array {
  return new TextEncoder().encode(`${trajectoryLine(0, 0)}\n${bad}\n${trajectoryLine(0, 2)}\n${trajectoryLine(1, 3)}\n`);
}

/** A string of `mb` megabytes: a line that once overflowed the stack of the NaN-locating regular expression. */
const giant = (mb: number) => 'ab\\"c '.repeat(Math.ceil((mb * 1e6) / 6));

export const HOSTILE_INPUTS: HostileInput[] = [
  {
    name: 'a bin32 declaring 3 GiB in a 48-byte file',
    file: 'declared-huge.msgpack',
    bytes: declaredHugeBin,
    error: ': chunk 0: truncated: the chunk starting at byte offset 0 is cut off by the end of the data at byte 48',
  },
  {
    name: 'a shape of 2^32 (a BigInt once decoded)',
    file: 'shape-2-32.msgpack',
    bytes: () => editedChunk(validChunk(), (c) => (c.columns.reward.shape = [2n ** 32n])),
    error: ': chunk 0: columns.reward.shape: expected [length], got [4294967296]',
  },
  {
    name: 'done = 2',
    file: 'done-2.msgpack',
    bytes: () => editedChunk(validChunk(), (c) => (c.columns.done.data[1] = 2)),
    error: ': chunk 0: columns.done[1]: must be 0 or 1, got 2',
  },
  {
    name: 'valid = 128',
    file: 'valid-128.msgpack',
    bytes: () => editedChunk(validChunk(), (c) => (c.columns.valid.data[2] = 128)),
    error: ': chunk 0: columns.valid[2]: must be 0 or 1, got 128',
  },
  {
    name: 'invalid UTF-8 in an observation',
    file: 'obs-utf8.msgpack',
    bytes: () =>
      editedChunk(validChunk(), (c) => {
        const { data, offsets } = c.columns.observations;
        data[Buffer.from(offsets.data).readUInt32LE(4)] = 0xff; // the first byte of observation 1
      }),
    error: ': chunk 0: columns.observations[1]: invalid UTF-8',
  },
  {
    name: 'a 12 MB string and a bare NaN',
    file: 'giant-nan.jsonl',
    bytes: () => jsonlAround(`{"group":0,"traj":1,"steps":[{"obs":"${giant(12)}","reward":NaN}]}`),
    error: ':2: steps[0].reward: expected a finite number, got NaN (NaN and Infinity are not JSON numbers)',
    skippable: true,
  },
  {
    name: 'a 20 MB string and a syntax error',
    file: 'giant-syntax.jsonl',
    bytes: () => jsonlAround(`{"group":0,"traj":1,"steps":[{"obs":"${giant(20)}","reward":1},,]}`),
    error: ':2: invalid JSON: ',
    skippable: true,
  },
];
