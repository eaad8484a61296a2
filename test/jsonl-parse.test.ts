// The native JSONL trajectory parser (native/core/io/jsonl_parse.cpp, parseJsonlTrajectories)
// against the TypeScript path, the reference: for every line, either the native parser leaves
// it (stops there), or every column it gives equals what TextDecoder + parseJsonLine +
// toTrajectoryRecord + recordsToBatch give for it, and it never accepts a line the TypeScript
// path throws on. Real rollout lines (Sokoban, a text env), hand-written edge cases, thousands
// of seeded random mutations of real lines, multi-line ranges and bad arguments.
import { describe, expect, it } from 'vitest';

import { metaOfLine, parseJsonLine, type TrajectoryRecord, toTrajectoryRecord } from '../lib/io/jsonl-records.js';
import { encodeJsonlLines } from '../lib/io/jsonl-writer.js';
import { type RecordsBatch, recordsToBatch } from '../lib/io/records-to-batch.js';
import { type NativeJsonlPiece, native } from '../lib/native.js';
import { functionPolicy } from '../lib/policy/function.js';
import { randomPolicy } from '../lib/policy/native.js';
import { RolloutEngine } from '../lib/rollout/engine.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Typed = Uint8Array | Uint32Array | Int32Array | Float32Array | Float64Array | BigUint64Array;

function bytesOf(a: Typed): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Throws naming the column unless the two arrays are bit-identical. */
function same(name: string, actual: Typed | undefined, expected: Typed | undefined): void {
  if (actual === undefined || expected === undefined) {
    if (actual !== expected) throw new Error(`${name}: present ${actual !== undefined}, expected ${expected !== undefined}`);
    return;
  }
  if (actual.constructor !== expected.constructor || !bytesOf(actual).equals(bytesOf(expected)))
    throw new Error(
      `${name}: ${String(Array.from(actual as ArrayLike<number | bigint>).slice(0, 20))} != expected ${String(Array.from(expected as ArrayLike<number | bigint>).slice(0, 20))}`,
    );
}

function sameRagged(
  name: string,
  actual: { offsets: Uint32Array; data: Typed } | undefined,
  expected: { offsets: Uint32Array; data: Typed } | undefined,
): void {
  if (actual === undefined || expected === undefined) {
    if (actual !== expected) throw new Error(`${name}: present ${actual !== undefined}, expected ${expected !== undefined}`);
    return;
  }
  same(`${name}.offsets`, actual.offsets, expected.offsets);
  same(`${name}.data`, actual.data, expected.data);
}

function textAt(r: { offsets: Uint32Array; data: Uint8Array }, i: number): string {
  return decoder.decode(r.data.subarray(r.offsets[i], r.offsets[i + 1]));
}

type Reference = { records: TrajectoryRecord[]; result?: RecordsBatch; batchError?: Error };

/**
 * What the TypeScript path gives for these line bytes (one per element, no '\n'): undefined
 * when it throws for some line; blank lines give no record.
 */
function reference(lines: Uint8Array[]): Reference | undefined {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const records: TrajectoryRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    let bytes = lines[i];
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    const src = `t:${i + 1}`;
    try {
      const text = utf8.decode(bytes);
      if (text.trim() === '') continue;
      const value = parseJsonLine(text, src);
      if (metaOfLine(value, src) !== undefined) return undefined; // a meta line is not a trajectory
      records.push(toTrajectoryRecord(value, src));
    } catch {
      return undefined;
    }
  }
  if (records.length === 0) return { records };
  try {
    return { records, result: recordsToBatch(records.map((r) => [r])) };
  } catch (err) {
    return { records, batchError: err as Error };
  }
}

/** Every column of `p` against the TypeScript batch of the same records (one group per line). */
function compare(p: NativeJsonlPiece, ref: Reference): void {
  const { records } = ref;
  expect(p.numTraj).toBe(records.length);
  for (let t = 0; t < records.length; t++) {
    const r = records[t];
    for (const [name, id, kind, num, text] of [
      ['group', r.group, p.groupKind, p.groupNum, p.groupText],
      ['traj', r.traj, p.trajKind, p.trajNum, p.trajText],
    ] as const) {
      if (typeof id === 'number') {
        if (kind[t] !== 0 || !Object.is(num[t], id) || textAt(text, t) !== '') throw new Error(`${name}[${t}]: expected the number ${id}`);
      } else if (kind[t] !== 1 || textAt(text, t) !== id) {
        throw new Error(`${name}[${t}]: expected the string ${JSON.stringify(id)}, got kind ${kind[t]} ${textAt(text, t)}`);
      }
    }
  }
  if (ref.batchError !== undefined) {
    // The one batch-level error a line the fast path accepts can give: a per-row field
    // (state_anchor, policy_version) on some steps only.
    const field = /(state_anchor|policy_version): (present|missing)/.exec(ref.batchError.message)?.[1];
    expect(field, ref.batchError.message).toBeDefined();
    const present = field === 'state_anchor' ? p.stateAnchorPresent : p.policyVersionPresent;
    expect(present).toBeDefined();
    expect(new Set(present)).toEqual(new Set([0, 1]));
    return;
  }
  const { batch, trajStarts, ids } = ref.result!;
  expect(p.numRows).toBe(batch.numRows);
  expect(ids.group).toEqual(records.map((r) => r.group));
  same('trajStarts', p.trajStarts, trajStarts);
  same('action', p.action, batch.action);
  sameRagged('actionText', p.actionText, batch.actionText);
  same('reward', p.reward, batch.reward);
  same('valid', p.valid, batch.valid);
  same('done', p.done, batch.done);
  same('truncated', p.truncated, batch.truncated);
  same('anchor', p.anchor, batch.anchor);
  same('obs', p.obs, batch.obs);
  sameRagged('observations', p.observations, batch.observations);
  const steps = records.flatMap((r) => r.steps);
  for (let row = 0; row < batch.numRows; row++) {
    const o = batch.obs[row];
    const expected = steps[row].obs ?? '';
    if (textAt(p.observations, p.obs[row]) !== expected || textAt(batch.observations, o) !== expected)
      throw new Error(`observation of row ${row}`);
  }
  same('obsHash', p.obsHash, native.hashBytes(batch.observations.data, batch.observations.offsets));
  same('stateAnchor', p.stateAnchor, batch.stateAnchor);
  if (p.stateAnchorPresent !== undefined) expect(p.stateAnchorPresent.every((x) => x === 1)).toBe(true);
  sameRagged('prompt', p.prompt, batch.prompt);
  sameRagged('response', p.response, batch.response);
  sameRagged('promptIds', p.promptIds, batch.promptIds);
  sameRagged('responseIds', p.responseIds, batch.responseIds);
  sameRagged('logprobs', p.logprobs, batch.logprobs);
  sameRagged('responseMask', p.responseMask, batch.responseMask);
  same('policyVersion', p.policyVersion, batch.policyVersion);
  if (p.policyVersionPresent !== undefined) expect(p.policyVersionPresent.every((x) => x === 1)).toBe(true);
  // Columns the fast path never gives: lines with their fields are left to the TypeScript path.
  expect(batch.scores).toBeUndefined();
  expect(batch.sourceRow).toBeUndefined();
  expect(batch.importanceWeight).toBeUndefined();
  expect(batch.tokenAdvantage).toBeUndefined();
}

/** One line (no '\n'): 'accepted' (and identical to the TypeScript path), 'blank' or 'rejected'. */
function checkLine(line: Uint8Array | string): 'accepted' | 'blank' | 'rejected' {
  const bytes = typeof line === 'string' ? encoder.encode(line) : line;
  const p = native.parseJsonlTrajectories(bytes, 0, bytes.length);
  const ref = reference([bytes]);
  if (p.lines === 0) {
    expect(p.end).toBe(0);
    expect(p.numTraj).toBe(0);
    expect(p.numRows).toBe(0);
    return 'rejected';
  }
  expect(p.end).toBe(bytes.length);
  expect(p.lines).toBe(1);
  if (ref === undefined) throw new Error(`accepted a line the TypeScript path rejects: ${decoder.decode(bytes).slice(0, 300)}`);
  if (p.numTraj === 0) {
    expect(ref.records).toEqual([]);
    expect(/^[ \t\r]*$/.test(decoder.decode(bytes))).toBe(true);
    return 'blank';
  }
  expect(p.trajLine).toEqual(Uint32Array.of(0));
  compare(p, ref);
  return 'accepted';
}

/** xorshift32, for reproducible mutations. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function linesOf(bytes: Uint8Array): string[] {
  const text = decoder.decode(bytes);
  return text.split('\n').filter((l) => l !== '');
}

async function sokobanLines(): Promise<string[]> {
  const b = await new RolloutEngine().collect({ env: 'sokoban', groups: 6, groupSize: 4, maxSteps: 12, seed: 5, policy: randomPolicy() });
  return linesOf(encodeJsonlLines(b, 'trajectory').bytes);
}

const ANSWERS = ['go to cabinet 1', 'take apple 1 from countertop 1', '<action>look</action>', 'caf\u00e9 \ud83d\ude00 "q" \\ x', ''];

async function householdLines(): Promise<string[]> {
  const b = await new RolloutEngine().collect({
    env: 'household',
    groups: 2,
    groupSize: 2,
    maxSteps: 4,
    seed: 3,
    policy: functionPolicy((_m, r) => ANSWERS[(r.traj * 7 + r.step) % ANSWERS.length]),
  });
  return linesOf(encodeJsonlLines(b, 'trajectory').bytes);
}

/** A line of one step with the given fields (after group and traj 0). */
function step(fields: string): string {
  return `{"group":0,"traj":0,"steps":[{${fields}}]}`;
}

describe('native JSONL trajectory parser against the TypeScript path', () => {
  it('reads whole real rollouts (Sokoban; a text env with prompts, responses and text ids) exactly as the TypeScript path', async () => {
    for (const lines of [await sokobanLines(), await householdLines()]) {
      const text = `${lines.join('\n')}\n`;
      const bytes = encoder.encode(text);
      const p = native.parseJsonlTrajectories(bytes, 0, bytes.length);
      expect(p.end).toBe(bytes.length);
      expect(p.lines).toBe(lines.length);
      expect(Array.from(p.trajLine)).toEqual(lines.map((_, i) => i));
      compare(p, reference(lines.map((l) => encoder.encode(l)))!);
      for (const line of lines) expect(checkLine(line)).toBe('accepted');
    }
    // The text env's lines carry prompts and responses; with ids as strings and text actions too.
    const [first] = await householdLines();
    const o = JSON.parse(first) as { group: unknown; traj: unknown; steps: Record<string, unknown>[] };
    o.group = 'task \u00e9 1';
    o.traj = 'run/7';
    o.steps[0].action = 'go to cabinet 1';
    o.steps[0].prompt_ids = [1, 2, 3];
    o.steps[0].response_ids = [];
    o.steps[0].logprobs = [-0.5, -1e-7];
    const p = native.parseJsonlTrajectories(encoder.encode(JSON.stringify(o)), 0, encoder.encode(JSON.stringify(o)).length);
    expect(p.prompt).toBeDefined();
    expect(p.response).toBeDefined();
    expect(p.actionText).toBeDefined();
    expect(p.promptIds).toBeDefined();
    expect(checkLine(JSON.stringify(o))).toBe('accepted');
  });

  it('hand-written edge cases: accepted ones equal the TypeScript path, unsure ones are left to it', () => {
    const cases: [string | Uint8Array, 'accepted' | 'blank' | 'rejected'][] = [
      // escapes and Unicode
      [step('"obs":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u00E9\\u4e2d","reward":0'), 'accepted'],
      [step('"obs":"\\ud83d\\ude00 \ud83d\ude00 caf\u00e9","reward":0'), 'accepted'],
      [step('"obs":"\\u0000x\\u001f","reward":0,"action":"\\u0000"'), 'accepted'],
      [step('"obs":"\\ud800","reward":0'), 'rejected'],
      [step('"obs":"\\udc00","reward":0'), 'rejected'],
      [step('"obs":"\\ud83d\\u0041","reward":0'), 'rejected'],
      [step('"obs":"a","reward":0,"x":"\\ud800"'), 'rejected'],
      [step('"obs":"a","reward":0,"x":"\\ud83d\\ude00"'), 'accepted'],
      [step('"obs":"a\tb","reward":0'), 'rejected'],
      [step('"obs":"a","reward":0,"x":"\\q"'), 'rejected'],
      // numbers
      ['{"group":1.0,"traj":1e3,"steps":[{"obs":"a","reward":1.0}]}', 'accepted'],
      ['{"group":-0,"traj":-0.0,"steps":[{"obs":"a","reward":-0,"action":-0}]}', 'accepted'],
      ['{"group":9007199254740991,"traj":-9007199254740991,"steps":[{"obs":"a","reward":0}]}', 'accepted'],
      ['{"group":9007199254740992,"traj":0,"steps":[{"obs":"a","reward":0}]}', 'rejected'],
      ['{"group":1e400,"traj":0,"steps":[{"obs":"a","reward":0}]}', 'rejected'],
      ['{"group":0.5,"traj":0,"steps":[{"obs":"a","reward":0}]}', 'rejected'],
      [step('"obs":"a","reward":1e400'), 'rejected'],
      [step('"obs":"a","reward":5e-324'), 'accepted'],
      [step('"obs":"a","reward":1e-30'), 'accepted'],
      [step('"obs":"a","reward":3.4028234663852886e38'), 'accepted'],
      [step('"obs":"a","reward":-3.4028234663852886e38,"logprobs":[3.4028234663852886e38]'), 'accepted'],
      [step('"obs":"a","reward":3.5e38'), 'rejected'],
      [step('"obs":"a","reward":0,"logprobs":[1e39]'), 'rejected'],
      [step('"obs":"a","reward":0.30000000000000004441,"action":2147483647,"anchor":9007199254740991'), 'accepted'],
      [step('"obs":"a","reward":0,"action":2147483648'), 'rejected'],
      [step('"obs":"a","reward":0,"action":-2147483648,"prompt_ids":[-2147483648,2147483647,3.0]'), 'accepted'],
      [step('"obs":"a","reward":0,"prompt_ids":[2147483648]'), 'rejected'],
      [step('"obs":"a","reward":0,"anchor":-0'), 'accepted'],
      [step('"obs":"a","reward":0,"anchor":9007199254740992'), 'rejected'],
      [step('"obs":"a","reward":01'), 'rejected'],
      [step('"obs":"a","reward":1.'), 'rejected'],
      [step('"obs":"a","reward":NaN'), 'rejected'],
      [step('"obs":"a","reward":-Infinity'), 'rejected'],
      // the done rule: the last step is done unless it gave done or truncated: true
      ['{"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"done":true},{"obs":"b","reward":0,"truncated":true}]}', 'accepted'],
      ['{"group":0,"traj":0,"steps":[{"obs":"a","reward":0},{"obs":"b","reward":0,"truncated":false}]}', 'accepted'],
      ['{"group":0,"traj":0,"steps":[{"obs":"a","reward":0},{"obs":"b","reward":0,"done":false,"truncated":true}]}', 'accepted'],
      // ids and nulls
      ['{"group":"g \\u00e9","traj":"","steps":[{"obs":"a","reward":0}]}', 'accepted'],
      ['{"group":null,"traj":0,"steps":[{"obs":"a","reward":0}]}', 'rejected'],
      ['{"group":0,"traj":[],"steps":[{"obs":"a","reward":0}]}', 'rejected'],
      [
        step(
          '"obs":null,"anchor":"be19b302a5452dd5","reward":0,"action":null,"done":null,"truncated":null,"prompt":null,"response":null,"prompt_ids":null,"response_ids":null,"logprobs":null,"state_anchor":null',
        ),
        'accepted',
      ],
      [step('"obs":null,"anchor":null,"reward":0'), 'rejected'],
      [step('"obs":"a","reward":0,"valid":null'), 'rejected'],
      [step('"obs":"a","reward":0,"anchor":"room 1"'), 'accepted'],
      [step('"anchor":"BE19B302A5452DD5","reward":0'), 'accepted'],
      [step('"obs":"a","reward":0,"state_anchor":"BE19B302A5452DD"'), 'rejected'],
      ['{"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"state_anchor":"00000000000000ff"},{"obs":"b","reward":0}]}', 'accepted'],
      // duplicate keys: JSON.parse keeps the last; the fast path leaves them
      ['{"group":0,"group":1,"traj":0,"steps":[{"obs":"a","reward":0}]}', 'rejected'],
      [step('"obs":"a","reward":0,"reward":1'), 'rejected'],
      [step('"obs":"a","reward":0,"x":1,"x":2'), 'accepted'],
      // unknown keys with nested values, keys with escapes
      [
        `{"group":0,"x":{"a":[1,-2.5e-3,true,false,null,"s\\n",{}],"b":[]},"traj":0,"steps":[{"obs":"a","reward":0,"step":3,"return":1,"y":{"z":[[]]}}]}`,
        'accepted',
      ],
      [step('"obs":"a","reward":0,"__proto__":{"valid":false}'), 'accepted'],
      [step('"obs":"a","rew\\u0061rd":0'), 'rejected'],
      [step('"obs":"a","reward":0,"\\u0078":1'), 'rejected'],
      [step('"obs":"a","reward":0,"advantage":0.5'), 'rejected'],
      [step('"obs":"a","reward":0,"source_row":0,"step":0'), 'rejected'],
      [step('"obs":"a","reward":0,"importance_weight":1'), 'rejected'],
      [step('"obs":"a","reward":0,"token_advantage":[]'), 'rejected'],
      // response masks (one 0 or 1 per prompt_ids then response_ids token) and policy versions (u32)
      [step('"obs":"a","reward":0,"response_mask":[]'), 'accepted'],
      [step('"obs":"a","reward":0,"response_mask":[1,0.0,-0,1e0],"response_ids":[5,6],"prompt_ids":[7,8]'), 'accepted'],
      [step('"obs":"a","reward":0,"prompt_ids":[7],"response_mask":[1,1]'), 'rejected'],
      [step('"obs":"a","reward":0,"response_ids":[7],"response_mask":[2]'), 'rejected'],
      [step('"obs":"a","reward":0,"response_ids":[7],"response_mask":[true]'), 'rejected'],
      [step('"obs":"a","reward":0,"response_ids":[7],"response_mask":{}'), 'rejected'],
      [step('"obs":"a","reward":0,"response_mask":null,"policy_version":null'), 'accepted'],
      [step('"obs":"a","reward":0,"policy_version":4294967295'), 'accepted'],
      [step('"obs":"a","reward":0,"policy_version":-0'), 'accepted'],
      [step('"obs":"a","reward":0,"policy_version":4294967296'), 'rejected'],
      [step('"obs":"a","reward":0,"policy_version":-1'), 'rejected'],
      [step('"obs":"a","reward":0,"policy_version":2.5'), 'rejected'],
      [step('"obs":"a","reward":0,"policy_version":"2"'), 'rejected'],
      ['{"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"policy_version":1},{"obs":"b","reward":0}]}', 'accepted'],
      // depth: the line's object is level 1
      [`{"group":0,"traj":0,"x":${'['.repeat(63)}${']'.repeat(63)},"steps":[{"obs":"a","reward":0}]}`, 'accepted'],
      [`{"group":0,"traj":0,"x":${'['.repeat(64)}${']'.repeat(64)},"steps":[{"obs":"a","reward":0}]}`, 'rejected'],
      [`{"group":0,"traj":0,"x":${'['.repeat(100)}${']'.repeat(100)},"steps":[{"obs":"a","reward":0}]}`, 'rejected'],
      // whole-line forms
      [`\ufeff${step('"obs":"a","reward":0')}`, 'rejected'],
      [`${step('"obs":"a","reward":0')}\r`, 'accepted'],
      [`  ${step('"obs":"a","reward":0')} \t\r\r`, 'accepted'],
      [' \t\r', 'blank'],
      ['\u00a0', 'rejected'],
      [`${step('"obs":"a","reward":0')}x`, 'rejected'],
      [`${step('"obs":"a","reward":0')}{}`, 'rejected'],
      [`${step('"obs":"a","reward":0')}\u0000`, 'rejected'],
      ['{"meta":{"env":"sokoban"}}', 'rejected'],
      ['[]', 'rejected'],
      ['{"group":0,"traj":0,"steps":[]}', 'rejected'],
      ['{"group":0,"traj":0,"steps":[{"obs":"a","reward":0},1]}', 'rejected'],
      // invalid UTF-8
      [
        Uint8Array.from([...encoder.encode('{"group":0,"traj":0,"steps":[{"obs":"'), 0xff, ...encoder.encode('","reward":0}]}')]),
        'rejected',
      ],
      [
        Uint8Array.from([
          ...encoder.encode('{"group":0,"traj":0,"steps":[{"obs":"'),
          0xed,
          0xa0,
          0x80,
          ...encoder.encode('","reward":0}]}'),
        ]),
        'rejected',
      ],
      [
        Uint8Array.from([...encoder.encode('{"group":0,"traj":0,"steps":[{"obs":"'), 0xc0, 0xaf, ...encoder.encode('","reward":0}]}')]),
        'rejected',
      ],
      [
        Uint8Array.from([
          ...encoder.encode('{"group":0,"traj":0,"steps":[{"obs":"'),
          0xf4,
          0x90,
          0x80,
          0x80,
          ...encoder.encode('","reward":0}]}'),
        ]),
        'rejected',
      ],
      [
        Uint8Array.from([
          ...encoder.encode('{"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"x":"'),
          0xe4,
          0xb8,
          ...encoder.encode('"}]}'),
        ]),
        'rejected',
      ],
    ];
    for (const [line, expected] of cases) {
      const shown = typeof line === 'string' ? line.slice(0, 120) : `bytes ${decoder.decode(line).slice(0, 120)}`;
      expect(checkLine(line), shown).toBe(expected);
    }
  });

  it('random mutations of real lines: rejected, or identical to the TypeScript path (never accepted where it throws)', async () => {
    const base = [...(await sokobanLines()).slice(0, 12), ...(await householdLines()).slice(0, 2)].map((l, i) => {
      // Short lines keep the run quick: at most 4 steps each, and some optional fields spelled out.
      const o = JSON.parse(l) as { steps: Record<string, unknown>[] };
      o.steps = o.steps.slice(0, 4);
      if (i % 2 === 0) for (const s of o.steps) delete s.done; // the done rule decides
      if (o.steps[1]) Object.assign(o.steps[1], { action: 'go', prompt_ids: [1, 2], logprobs: [-0.25], done: null });
      if (i % 3 === 0 && o.steps[1]) Object.assign(o.steps[1], { response_ids: [9], response_mask: [0, 1, 1] });
      if (i % 4 === 1) for (const s of o.steps) s.policy_version = 7;
      return encoder.encode(JSON.stringify(o));
    });
    const inserts = [...'"\\{}[],:0-.e+ ntfu/\r\t'].map((c) => c.charCodeAt(0)).concat([0x00, 0x80, 0xc3, 0xed, 0xff]);
    const random = rng(20261202);
    const counts = { accepted: 0, blank: 0, rejected: 0 };
    const n = 4000;
    for (let i = 0; i < n; i++) {
      let bytes = base[random(base.length)];
      const edits = 1 + random(3);
      for (let e = 0; e < edits; e++) {
        const at = random(bytes.length + 1);
        const kind = random(4);
        if (kind === 0 && at < bytes.length) {
          const copy = bytes.slice();
          copy[at] = random(3) === 0 ? copy[at] ^ (1 << random(8)) : inserts[random(inserts.length)];
          if (copy[at] === 0x0a) copy[at] = 0x20;
          bytes = copy;
        } else if (kind === 1) {
          bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(Math.min(bytes.length, at + 1 + random(3)))]);
        } else {
          bytes = Uint8Array.from([...bytes.subarray(0, at), inserts[random(inserts.length)], ...bytes.subarray(at)]);
        }
      }
      let outcome: 'accepted' | 'blank' | 'rejected';
      try {
        outcome = checkLine(bytes);
      } catch (err) {
        throw new Error(`mutation ${i}: ${(err as Error).message}\n  line: ${decoder.decode(bytes)}`);
      }
      counts[outcome]++;
    }
    // The invariant held for every mutation; both outcomes were exercised.
    expect(counts.accepted + counts.rejected + counts.blank).toBe(n);
    expect(counts.accepted).toBeGreaterThan(n / 20);
    expect(counts.rejected).toBeGreaterThan(n / 4);
  });

  it('multi-line ranges: blank lines and CRLF consumed, the stop at the first rejected line, end / lines / trajLine', async () => {
    const [a, b, c] = (await sokobanLines()).slice(0, 3);
    const bad = step('"obs":"x","reward":0,"advantage":1');
    const pieces = ['', a, ' \t', `${b}\r`, '', bad, c];
    const text = `${pieces.join('\n')}\n`;
    const bytes = encoder.encode(text);
    const badAt = encoder.encode(`${pieces.slice(0, 5).join('\n')}\n`).length;
    let p = native.parseJsonlTrajectories(bytes, 0, bytes.length);
    expect(p.end).toBe(badAt);
    expect(p.lines).toBe(5);
    expect(Array.from(p.trajLine)).toEqual([1, 3]);
    compare(p, reference([a, b].map((l) => encoder.encode(l)))!);
    // Starting at the rejected line: nothing consumed; after it: the last line (no '\n' when the range ends before it).
    p = native.parseJsonlTrajectories(bytes, badAt, bytes.length);
    expect([p.end, p.lines, p.numTraj, p.numRows]).toEqual([badAt, 0, 0, 0]);
    const cAt = badAt + encoder.encode(bad).length + 1;
    p = native.parseJsonlTrajectories(bytes, cAt, bytes.length - 1);
    expect([p.end, p.lines, p.numTraj]).toEqual([bytes.length - 1, 1, 1]);
    compare(p, reference([encoder.encode(c)])!);
    // An empty range; a range of blank lines; a view into a larger buffer (offsets are the view's).
    p = native.parseJsonlTrajectories(bytes, 7, 7);
    expect([p.end, p.lines, p.numTraj, p.trajStarts.length]).toEqual([7, 0, 0, 1]);
    p = native.parseJsonlTrajectories(encoder.encode('\n\r\n \t\n'), 0, 6);
    expect([p.end, p.lines, p.numTraj, p.numRows]).toEqual([6, 3, 0, 0]);
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 5);
    p = native.parseJsonlTrajectories(padded.subarray(5, 5 + bytes.length), 0, bytes.length);
    expect([p.end, p.lines]).toEqual([badAt, 5]);
    // A truncated last line is rejected, the lines before it kept.
    const cut = encoder.encode(`${a}\n${b.slice(0, 50)}`);
    p = native.parseJsonlTrajectories(cut, 0, cut.length);
    expect([p.end, p.lines, p.numTraj]).toEqual([encoder.encode(a).length + 1, 1, 1]);
  });

  it('checks its arguments: TypeError / RangeError naming the argument', () => {
    const bytes = encoder.encode(`${step('"obs":"a","reward":0')}\n`);
    const call = (...args: unknown[]) => (native.parseJsonlTrajectories as (...a: unknown[]) => unknown)(...args);
    expect(() => call('abc', 0, 0)).toThrow(TypeError);
    expect(() => call('abc', 0, 0)).toThrow(/bytes/);
    expect(() => call(new Uint16Array(4), 0, 0)).toThrow(/bytes: expected a Uint8Array/);
    expect(() => call(bytes.buffer, 0, 0)).toThrow(TypeError);
    expect(() => call(bytes, '0', 1)).toThrow(TypeError);
    expect(() => call(bytes, undefined, 1)).toThrow(/start/);
    expect(() => call(bytes, -1, 1)).toThrow(RangeError);
    expect(() => call(bytes, 0.5, 1)).toThrow(/start: expected an integer/);
    expect(() => call(bytes, bytes.length + 1, bytes.length + 1)).toThrow(/start/);
    expect(() => call(bytes, 0)).toThrow(/end/);
    expect(() => call(bytes, 2, 1)).toThrow(RangeError);
    expect(() => call(bytes, 2, 1)).toThrow(/end/);
    expect(() => call(bytes, 0, bytes.length + 1)).toThrow(/end/);
    expect(() => call(bytes, 0, Number.NaN)).toThrow(/end/);
    expect(() => call(bytes, 0, Number.POSITIVE_INFINITY)).toThrow(/end/);
    const p = call(Buffer.from(bytes), 0, bytes.length) as NativeJsonlPiece;
    expect(p.numTraj).toBe(1);
  });
});
