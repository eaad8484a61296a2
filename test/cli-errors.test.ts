// Bad input and bad flags through the CLI: every case names the file and line (or chunk)
// and the field, exits 1 (input) or 2 (usage), and leaves no output file and no temporary
// file behind. --skip-invalid skips and reports instead.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Packr, Unpackr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encodeChunk, randomPolicy, RolloutEngine } from '../lib/index.js';
import { runCli, tempDir } from './helpers/cli.js';
import type { ChunkMap } from './helpers/hostile-inputs.js';

const tmp = tempDir('cli-errors');
afterAll(() => tmp.cleanup());

const good = (group: number | string, traj: number | string, reward = 1) =>
  JSON.stringify({
    group,
    traj,
    steps: [
      { obs: `s${group}`, reward },
      { obs: 'end', reward: 0 },
    ],
  });

/** A directory of its own holding `name` with `content`; runs `gigpo score` on it. */
function scoreCase(caseName: string, name: string, content: string | Uint8Array | undefined, extra: string[] = [], outName = 'out.jsonl') {
  const dir = join(tmp.dir, caseName);
  mkdirSync(dir);
  const input = join(dir, name);
  if (content !== undefined) writeFileSync(input, content);
  const out = join(dir, outName);
  const r = runCli(['score', input, '--out', out, ...extra]);
  return { ...r, input, out, dir, leftovers: () => readdirSync(dir).filter((f) => f !== name) };
}

/** `message` follows the input path; one ending in ': ' is a prefix (the rest is the JSON parser's words). */
function expectInputError(r: ReturnType<typeof scoreCase>, message: string): void {
  if (message.endsWith(': ')) expect(r.stderr.startsWith(`gigpo: ${r.input}${message}`), r.stderr).toBe(true);
  else expect(r.stderr).toBe(`gigpo: ${r.input}${message}\n`);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.leftovers()).toEqual([]); // no output file, no temporary file
}

/** A chunk of a numberline rollout of `groups` groups of 2 from group `firstGroup`. */
async function rolloutChunk(groups: number, seed: number, firstGroup = 0): Promise<Uint8Array> {
  const batch = await new RolloutEngine().collect({
    env: 'numberline',
    groups,
    groupSize: 2,
    seed,
    firstGroup,
    maxSteps: 6,
    policy: randomPolicy(),
  });
  return encodeChunk(batch, {});
}

/** A valid chunk re-packed with `edit` applied to its decoded map. */
function editedChunk(bytes: Uint8Array, edit: (chunk: ChunkMap) => void): Uint8Array {
  const chunk = new Unpackr({ useRecords: false, mapsAsObjects: true }).unpack(bytes) as ChunkMap;
  edit(chunk);
  return new Packr({ useRecords: false }).pack(chunk);
}

describe('gigpo score: bad JSONL input', () => {
  const cases: [string, string, string][] = [
    ['malformed JSON', `${good(0, 0)}\n{"group": 1,,}\n`, ':2: invalid JSON: '],
    [
      'wrong type',
      `${good(0, 0)}\n${good(0, 1)}\n{"group":0,"traj":2,"steps":[{"obs":"a","reward":"x"}]}\n`,
      ':3: steps[0].reward: expected a finite number, got "x"',
    ],
    ['missing group', `{"traj":0,"steps":[{"obs":"a","reward":1}]}\n`, ':1: group: missing (expected a string or an integer)'],
    ['missing steps', `${good(0, 0)}\n{"group":0,"traj":1}\n`, ':2: steps: missing (expected a non-empty array of steps)'],
    [
      'missing reward',
      `{"group":0,"traj":0,"steps":[{"obs":"a","reward":1},{"obs":"b"}]}\n`,
      ':1: steps[1].reward: missing (expected a finite number)',
    ],
    [
      'bare NaN',
      `{"group":0,"traj":0,"steps":[{"obs":"a","reward":NaN}]}\n`,
      ':1: steps[0].reward: expected a finite number, got NaN (NaN and Infinity are not JSON numbers)',
    ],
    [
      'bare Infinity',
      `${good(0, 0)}\n{"group":0,"traj":1,"steps":[{"obs":"a","reward":-Infinity}]}\n`,
      ':2: steps[0].reward: expected a finite number, got -Infinity (NaN and Infinity are not JSON numbers)',
    ],
    [
      'beyond float32',
      `{"group":0,"traj":0,"steps":[{"obs":"a","reward":1e39}]}\n`,
      ':1: steps[0].reward: 1e+39 is outside the float32 range',
    ],
    [
      'bad anchor',
      `{"group":0,"traj":0,"steps":[{"anchor":true,"reward":0}]}\n`,
      ':1: steps[0].anchor: expected a string or a non-negative integer, got true',
    ],
    ['empty file', '', ': empty file: no records'],
    ['blank lines only', '\n\n  \n', ': empty file: no records'],
    [
      'row form after trajectory form',
      `${good(0, 0)}\n{"group":0,"traj":1,"step":0,"obs":"a","reward":0}\n`,
      ':2: line: expected a trajectory-form record ({group, traj, steps: [...]}) like the first record, got a row',
    ],
    [
      'rows out of order',
      `{"group":0,"traj":0,"step":0,"obs":"a","reward":0}\n{"group":0,"traj":0,"step":2,"obs":"a","reward":0}\n`,
      ':2: step: expected 1 (rows of group 0 trajectory 0 must be consecutive and in step order), got 2',
    ],
    [
      'scores beyond float32',
      `${good(0, 0)}\n{"group":0,"traj":1,"steps":[{"obs":"a","reward":3e38},{"obs":"b","reward":3e38}]}\n`,
      ':2 (steps[0]): returns is Infinity: the rewards overflow float32',
    ],
    ['duplicate trajectory', `${good(0, 'a')}\n${good(0, 'b')}\n${good(0, 'a')}\n`, ':3: traj: trajectory "a" appears twice in group 0'],
  ];
  for (const [name, content, message] of cases)
    it(`${name}: names the line and field, exits 1, leaves no file`, () => {
      expectInputError(scoreCase(name.replace(/ /g, '-'), 'in.jsonl', content), message);
    });

  it('invalid UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${good(0, 0)}\n{"group":0,"traj":1,"steps":[{"obs":"`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","reward":0}]}\n'),
    ]);
    expectInputError(scoreCase('utf8', 'in.jsonl', bytes), ':2: invalid UTF-8');
  });

  it('a missing file', () => {
    expectInputError(scoreCase('missing', 'nope.jsonl', undefined), ': no such file');
  });

  it('a group that reappears beyond the open-rows window', () => {
    const lines = [good('A', 0), good('B', 0), good('C', 0), good('D', 0), good('A', 1)];
    const r = scoreCase('scattered', 'in.jsonl', `${lines.join('\n')}\n`, ['--max-open-rows', '4']);
    expectInputError(
      r,
      ':5: group: "A" appears again after its group was scored; the rows of a group must lie within 2 rows (half the open-rows limit 4, --max-open-rows): sort the input by group or raise the limit',
    );
    // The same input with room for the group to be whole: fine.
    const ok = runCli(['score', r.input, '--out', join(r.dir, 'ok.jsonl'), '--max-open-rows', '16']);
    expect(ok.status).toBe(0);
    expect(
      readFileSync(join(r.dir, 'ok.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).group),
    ).toEqual(['A', 'B', 'C', 'D', 'A']);
  });

  it('--skip-invalid skips bad lines and trajectories and reports how many', () => {
    const content = [
      good(0, 0),
      '{oops',
      good(0, 1, 3),
      '{"group":1,"traj":0,"steps":[{"obs":"a","reward":NaN}]}',
      good(1, 0),
      good(0, 0),
      '',
    ].join('\n');
    const r = scoreCase('skip', 'in.jsonl', content, ['--skip-invalid', '--json']);
    expect(r.status).toBe(0);
    const reasons = r.stderr.split('\n');
    expect(reasons[0]).toBe('gigpo: skipped 3 invalid lines or trajectories');
    expect(reasons[1]).toMatch(new RegExp(`^  ${r.input}:2: invalid JSON: `));
    expect(reasons.slice(2)).toEqual([
      `  ${r.input}:4: steps[0].reward: expected a finite number, got NaN (NaN and Infinity are not JSON numbers)`,
      `  ${r.input}:6: traj: trajectory 0 appears twice in group 0`,
      '',
    ]);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ skipped: 3, trajectories: 3, groups: 2, rows: 6 });
    const out = readFileSync(r.out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((l) => [l.group, l.traj])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
  });

  it('--skip-invalid still fails when nothing valid is left', () => {
    expectInputError(scoreCase('skip-all', 'in.jsonl', '{oops\n[1]\n', ['--skip-invalid']), ': no valid records (2 invalid lines skipped)');
  });
});

describe('gigpo score: bad msgpack input', () => {
  let first: Uint8Array;
  let second: Uint8Array;
  const two = () => Buffer.concat([first, second]);
  beforeAll(async () => {
    first = await rolloutChunk(2, 1);
    second = await rolloutChunk(2, 1, 2);
  });

  it('a truncated file', () => {
    const bytes = two();
    expectInputError(
      scoreCase('truncated', 'in.msgpack', bytes.subarray(0, bytes.length - 10), [], 'out.msgpack'),
      `: chunk 1: truncated: the chunk starting at byte offset ${first.length} is cut off by the end of the data at byte ${bytes.length - 10}`,
    );
  });

  it('garbage after the chunks', () => {
    expectInputError(
      scoreCase('garbage', 'in.msgpack', Buffer.concat([two(), Buffer.from([0xc1, 0, 0])]), [], 'out.msgpack'),
      `: chunk 2: not msgpack (garbage at byte offset ${two().length})`,
    );
  });

  it('text that is not a chunk', () => {
    expectInputError(scoreCase('text', 'in.msgpack', 'hello\n', [], 'out.msgpack'), ': chunk 0: expected a gigpo.steps chunk map, got 104');
  });

  it('an empty file', () => {
    expectInputError(scoreCase('empty', 'in.msgpack', new Uint8Array(0), [], 'out.msgpack'), ': empty file: no chunks');
  });

  it('a column of the wrong dtype', () => {
    const bytes = editedChunk(first, (c) => {
      c.columns.reward.dtype = 'f64';
    });
    expectInputError(scoreCase('dtype', 'in.msgpack', bytes), ': chunk 0: columns.reward.dtype: expected f32, got "f64"');
  });

  it('a missing column (decoded on a worker thread)', () => {
    const bytes = editedChunk(second, (c) => {
      delete c.columns.valid;
    });
    expectInputError(
      scoreCase('missing-column', 'in.msgpack', Buffer.concat([first, bytes]), ['--threads', '2'], 'out.msgpack'),
      ': chunk 1: columns.valid: missing',
    );
  });

  it('a NaN reward', () => {
    const bytes = editedChunk(second, (c) => {
      const data = new Uint8Array(c.columns.reward.data);
      new DataView(data.buffer).setFloat32(4 * 3, NaN, true);
      c.columns.reward.data = data;
    });
    expectInputError(
      scoreCase('nan', 'in.msgpack', Buffer.concat([first, bytes])),
      ': chunk 1: columns.reward[3]: must be finite, got NaN',
    );
  });

  it('a group split over two chunks', async () => {
    const bytes = Buffer.concat([first, await rolloutChunk(2, 1, 1)]);
    expectInputError(
      scoreCase('split-group', 'in.msgpack', bytes),
      ': chunk 1: columns.group: group 1 also appears in chunk 0 (a chunk must hold complete groups)',
    );
  });

  it('--skip-invalid skips a bad chunk and reports it', async () => {
    const bad = editedChunk(await rolloutChunk(1, 1, 4), (c) => {
      c.columns.step.dtype = 'i64';
    });
    const r = scoreCase('skip-chunk', 'in.msgpack', Buffer.concat([first, bad, second]), ['--skip-invalid'], 'out.msgpack');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`gigpo: skipped 1 invalid chunks\n  ${r.input}: chunk 1: columns.step.dtype: expected u32, got "i64"\n`);
    expect(r.stdout).toMatch(/^scored \d+ rows \(8 trajectories, 4 groups\)/);
  });
});

describe('gigpo: usage errors exit 2 and write nothing', () => {
  const cases: [string, string[], string][] = [
    [
      'unknown estimator',
      ['--estimator', 'ppo'],
      "error: option '--estimator <name>' argument 'ppo' is invalid. Allowed choices are gigpo, grpo, drgrpo, rloo, reinforce_pp_baseline, grpo_passk.\n",
    ],
    ['gamma out of range', ['--gamma', '1.5'], "gigpo: --gamma: expected a number in [0, 1], got '1.5'\n"],
    ['similarity of 1', ['--similarity', '1'], "gigpo: --similarity: expected a number θ with 0 < θ < 1, got '1'\n"],
    ['threads 0', ['--threads', '0'], "gigpo: --threads: expected an integer in [1, 256], got '0'\n"],
    ['unknown flag', ['--gama', '0.9'], "error: unknown option '--gama'\n(Did you mean --gamma?)\n"],
  ];
  for (const [name, flags, message] of cases)
    it(name, () => {
      const r = scoreCase(`usage-${name.replace(/ /g, '-')}`, 'in.jsonl', `${good(0, 0)}\n`, flags);
      expect(r.stderr).toBe(message);
      expect(r.status).toBe(2);
      expect(r.leftovers()).toEqual([]);
    });

  it('an output name without a known extension', () => {
    const r = scoreCase('usage-ext', 'in.jsonl', `${good(0, 0)}\n`, [], 'out.txt');
    expect(r.stderr).toBe(`gigpo: --out: cannot tell the format of '${r.out}' (use .jsonl or .msgpack, or --out-format)\n`);
    expect(r.status).toBe(2);
    expect(r.leftovers()).toEqual([]);
  });

  it('a missing --out', () => {
    const r = runCli(['score', 'in.jsonl']);
    expect(r.stderr).toBe("error: required option '--out <file>' not specified\n");
    expect(r.status).toBe(2);
  });
});

describe('gigpo bench: env errors are usage errors, as in rollout', () => {
  it('an unknown env exits 2 naming the known ones', () => {
    const r = runCli(['bench', '--env', 'nope', '--no-rollouts']);
    expect(r.stderr).toBe(
      "gigpo: --env: unknown environment 'nope' (known: sokoban, numberline, frozenlake, ezpoints, points24, household, shop)\n",
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('a bad option value exits 2 naming the option', () => {
    const r = runCli(['bench', '--env', 'sokoban', '--option', 'dim=3', '--no-rollouts']);
    expect(r.stderr).toMatch(/^gigpo: --option: options\.dim: /);
    expect(r.status).toBe(2);
  });
});
