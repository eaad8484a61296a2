// gigpo score end to end (the compiled CLI as a child process): docs/ADVANTAGES.md's worked example,
// JSONL and msgpack results equal to computeAdvantages on the same data (float32-exact,
// step groups numbered over the whole file), input order kept, scattered groups,
// stdin/stdout, row form, thread counts.
import { readFileSync, writeFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import {
  computeAdvantages,
  concatStepBatches,
  readMsgpackChunks,
  trajectoriesToBatch,
  type AdvantageOptions,
  type StepBatch,
  type Trajectory,
} from '../lib/index.js';
import { runCli, tempDir } from './helpers/cli.js';
import { randomTrajectories, toJsonl, type JsonTrajectory } from './helpers/random-trajectories.js';
import { WORKED_EXAMPLE_JSONL, WORKED_TABLE } from './helpers/worked-example.js';

const tmp = tempDir('cli-score');
afterAll(() => tmp.cleanup());

interface ScoredStep {
  obs: string;
  anchor: string;
  reward: number;
  valid: boolean;
  return: number;
  episode_advantage: number;
  step_advantage: number;
  advantage: number;
  step_group: number;
}
interface ScoredLine {
  group: string | number;
  traj: string | number;
  steps: ScoredStep[];
}

function gigpo(args: string[], input?: string) {
  const r = runCli(args, { input });
  if (r.status !== 0) throw new Error(`gigpo ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

function readLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

function close(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    if (Math.abs(actual[i] - expected[i]) > 1e-5) expect.fail(`row ${i}: got ${actual[i]}, expected ${expected[i]}`);
}

/** The reference: the same trajectories through trajectoriesToBatch + computeAdvantages in one batch. */
function reference(trajs: JsonTrajectory[], options: AdvantageOptions) {
  const input: Trajectory[] = trajs.map((t) => ({
    group: t.group,
    steps: t.steps.map((s) => ({
      obs: s.obs,
      anchor: s.anchor === undefined ? undefined : BigInt(`0x${s.anchor}`),
      reward: s.reward,
      valid: s.valid ?? true,
    })),
  }));
  const batch = trajectoriesToBatch(input);
  return { batch, result: computeAdvantages(batch, options) };
}

/** Every output step equals the reference row of the same input trajectory, to the float32 bit. */
function expectEqualToReference(lines: ScoredLine[], trajs: JsonTrajectory[], options: AdvantageOptions): void {
  const { batch, result } = reference(trajs, options);
  expect(lines.length).toBe(trajs.length);
  const firstRow = new Map<number, number>();
  for (let r = batch.numRows - 1; r >= 0; r--) firstRow.set(batch.traj[r], r);
  let checked = 0;
  lines.forEach((line, i) => {
    expect(line.group).toBe(trajs[i].group); // input order, ids as given (numbers stay numbers)
    expect(line.traj).toBe(trajs[i].traj);
    expect(line.steps.map((s) => s.obs)).toEqual(trajs[i].steps.map((s) => s.obs));
    line.steps.forEach((s, k) => {
      const r = firstRow.get(i)! + k;
      expect(Math.fround(s.return)).toBe(result.returns[r]);
      expect(Math.fround(s.episode_advantage)).toBe(result.episodeAdvantage[r]);
      expect(Math.fround(s.step_advantage)).toBe(result.stepAdvantage[r]);
      expect(Math.fround(s.advantage)).toBe(result.advantage[r]);
      expect(s.step_group).toBe(result.stepGroup[r]);
      expect(s.anchor).toBe(batch.anchor[r].toString(16).padStart(16, '0'));
      checked++;
    });
  });
  expect(checked).toBe(batch.numRows);
}

describe('gigpo score: JSONL', () => {
  it("reproduces docs/ADVANTAGES.md's worked example", () => {
    const input = tmp.path('worked.jsonl');
    writeFileSync(input, WORKED_EXAMPLE_JSONL);
    const column = (path: string, key: keyof ScoredStep) =>
      readLines<ScoredLine>(path).flatMap((l) => l.steps.map((s) => s[key] as number));
    const out = tmp.path('worked.scored.jsonl');
    const r = gigpo([
      'score',
      input,
      '--out',
      out,
      '--estimator',
      'gigpo',
      '--gamma',
      '0.95',
      '--mode',
      'mean_norm',
      '--step-weight',
      '1',
      '--invalid-penalty',
      '0.1',
      '--episode-stats',
      'rows',
    ]);
    expect(r.stdout).toMatch(/^scored 11 rows \(5 trajectories, 2 groups\) from .*worked\.jsonl into .*worked\.scored\.jsonl/);
    expect(r.stdout).toContain('step groups: 6 (mean size 1.83, 50.0% singletons); zero-variance groups: 0 (0.0%)');
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    close(column(out, 'return'), WORKED_TABLE.R);
    close(column(out, 'episode_advantage'), WORKED_TABLE.AE);
    close(column(out, 'step_advantage'), WORKED_TABLE.AS);
    close(column(out, 'advantage'), WORKED_TABLE.A);
    expect(column(out, 'step_group')).toEqual(WORKED_TABLE.stepGroup);
    for (const [estimator, expected] of [
      ['grpo', WORKED_TABLE.GRPO],
      ['rloo', WORKED_TABLE.RLOO],
      ['drgrpo', WORKED_TABLE.AE],
    ] as const) {
      gigpo(['score', input, '--out', out, '--estimator', estimator]);
      close(column(out, 'advantage'), expected);
    }
  });

  const cases: [string, string[], AdvantageOptions][] = [
    ['defaults', [], {}],
    [
      'paper statistics, std norm',
      ['--episode-stats', 'trajectories', '--mode', 'mean_std_norm', '--gamma', '0.9', '--step-weight', '0.5', '--invalid-penalty', '0.25'],
      { episodeStats: 'trajectories', mode: 'mean_std_norm', gamma: 0.9, stepWeight: 0.5, invalidPenalty: 0.25 },
    ],
    ['similarity anchors', ['--similarity', '0.8'], { anchors: { similarity: 0.8 } }],
    ['grpo', ['--estimator', 'grpo', '--epsilon', '0.001'], { estimator: 'grpo', epsilon: 0.001 }],
    ['rloo, normalised by length', ['--estimator', 'rloo', '--normalize-by-length'], { estimator: 'rloo', normalizeByLength: true }],
  ];
  for (const [name, flags, options] of cases)
    it(`equals computeAdvantages on the same data (${name}), in input order`, () => {
      const trajs = randomTrajectories(name.length * 31 + 7, { groups: 12 });
      const input = tmp.path(`random-${name.length}.jsonl`);
      writeFileSync(input, toJsonl(trajs));
      const out = tmp.path(`random-${name.length}.scored.jsonl`);
      gigpo(['score', input, '--out', out, ...flags]);
      expectEqualToReference(readLines<ScoredLine>(out), trajs, options);
      // Small batches of whole groups and two threads give the same bytes.
      const small = tmp.path(`random-${name.length}.small.jsonl`);
      gigpo(['score', input, '--out', small, '--batch-rows', '5', '--threads', '2', ...flags]);
      expect(readFileSync(small)).toEqual(readFileSync(out));
    });

  it('scores scattered groups whole and writes them in input order', () => {
    const trajs = randomTrajectories(99, { groups: 20, shuffle: true });
    const input = tmp.path('scattered.jsonl');
    writeFileSync(input, toJsonl(trajs));
    const out = tmp.path('scattered.scored.jsonl');
    const r = gigpo(['score', input, '--out', out, '--batch-rows', '16', '--json']);
    expectEqualToReference(readLines<ScoredLine>(out), trajs, {});
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      command: 'score',
      inputFormat: 'jsonl',
      outputFormat: 'jsonl',
      groups: 20,
      trajectories: trajs.length,
      skipped: 0,
    });
    expect(summary.rows).toBe(trajs.reduce((s, t) => s + t.steps.length, 0));
  });

  it('reads and writes the row form', () => {
    const trajs = randomTrajectories(5, { groups: 6 });
    const input = tmp.path('rows.jsonl');
    writeFileSync(input, toJsonl(trajs, 'row'));
    const out = tmp.path('rows.scored.jsonl');
    gigpo(['score', input, '--out', out]);
    expectEqualToReference(readLines<ScoredLine>(out), trajs, {});
    const rowsOut = tmp.path('rows.scored.rows.jsonl');
    gigpo(['score', input, '--out', rowsOut, '--rows']);
    const rows = readLines<ScoredStep & { group: unknown; traj: unknown; step: number }>(rowsOut);
    const lines = readLines<ScoredLine>(out);
    expect(rows.map(({ group, traj, step }) => [group, traj, step])).toEqual(
      trajs.flatMap((t) => t.steps.map((_, i) => [t.group, t.traj, i])),
    );
    expect(rows.map((s) => s.advantage)).toEqual(lines.flatMap((l) => l.steps.map((s) => s.advantage)));
  });

  it('reads stdin and writes stdout with -', () => {
    const trajs = randomTrajectories(8, { groups: 5 });
    const text = toJsonl(trajs);
    const file = tmp.path('stdin.jsonl');
    writeFileSync(file, text);
    const fromFile = tmp.path('stdin.scored.jsonl');
    gigpo(['score', file, '--out', fromFile]);
    const r = gigpo(['score', '-', '--out', '-'], text);
    expect(r.stdout).toBe(readFileSync(fromFile, 'utf8'));
    expect(r.stderr).toMatch(/^scored \d+ rows .* from <stdin> into <stdout>/); // the summary moves to stderr
  });

  it('re-scores its own output (scored JSONL is valid input)', () => {
    const trajs = randomTrajectories(12, { groups: 4 });
    const input = tmp.path('again.jsonl');
    writeFileSync(input, toJsonl(trajs));
    const once = tmp.path('again.1.jsonl');
    const twice = tmp.path('again.2.jsonl');
    gigpo(['score', input, '--out', once]);
    gigpo(['score', once, '--out', twice]);
    // Every field survives, text actions included: scoring the output again changes nothing.
    expect(readFileSync(twice, 'utf8')).toBe(readFileSync(once, 'utf8'));
    const inputActions = trajs.map((t) => t.steps.map((st) => st.action));
    const outputActions = readLines<{ steps: { action?: unknown }[] }>(once).map((l) => l.steps.map((st) => st.action));
    expect(outputActions).toEqual(inputActions.map((steps) => steps.map((a) => a ?? -1)));
  });
});

describe('gigpo score: msgpack', () => {
  const rollout = tmp.path('rollout.msgpack');
  const rolled = () =>
    gigpo([
      'rollout',
      '--env',
      'numberline',
      '--groups',
      '40',
      '--group-size',
      '4',
      '--max-steps',
      '8',
      '--seed',
      '3',
      '--chunk-groups',
      '15',
      '--out',
      rollout,
    ]);

  async function chunks(path: string): Promise<StepBatch[]> {
    const out: StepBatch[] = [];
    for await (const b of readMsgpackChunks(path)) out.push(b);
    return out;
  }

  it('equals computeAdvantages over the whole file, chunk by chunk, for any thread count', async () => {
    rolled();
    const out1 = tmp.path('scored.1.msgpack');
    const out2 = tmp.path('scored.2.msgpack');
    gigpo(['score', rollout, '--out', out1, '--gamma', '0.9']);
    gigpo(['score', rollout, '--out', out2, '--gamma', '0.9', '--threads', '2']);
    expect(readFileSync(out2)).toEqual(readFileSync(out1));
    const input = await chunks(rollout);
    const scored = await chunks(out1);
    expect(input.length).toBe(3); // 40 groups in chunks of 15
    expect(scored.map((b) => b.numRows)).toEqual(input.map((b) => b.numRows));
    const whole = computeAdvantages(concatStepBatches(input), { gamma: 0.9 });
    const all = concatStepBatches(scored);
    expect(all.scores!.advantage).toEqual(whole.advantage);
    expect(all.scores!.returns).toEqual(whole.returns);
    expect(all.scores!.stepGroup).toEqual(whole.stepGroup); // ids numbered over the whole output
    expect(all.reward).toEqual(concatStepBatches(input).reward);
    expect(scored[0].meta).toMatchObject({ env: 'numberline', scoring: { estimator: 'gigpo', gamma: 0.9 } });
  });

  it('gives the same scores as JSONL output, and JSONL scored back to msgpack', async () => {
    rolled();
    const asJsonl = tmp.path('scored.jsonl');
    gigpo(['score', rollout, '--out', asJsonl, '--threads', '2']);
    const viaJsonl = tmp.path('scored-via-jsonl.msgpack');
    gigpo(['score', asJsonl, '--out', viaJsonl]);
    const direct = tmp.path('scored-direct.msgpack');
    gigpo(['score', rollout, '--out', direct]);
    const a = concatStepBatches(await chunks(direct));
    const jsonlChunks = await chunks(viaJsonl);
    const b = concatStepBatches(jsonlChunks);
    expect(b.numRows).toBe(a.numRows);
    expect(b.scores!.advantage).toEqual(a.scores!.advantage);
    expect(b.scores!.stepGroup).toEqual(a.scores!.stepGroup);
    expect(b.anchor).toEqual(a.anchor);
    expect(jsonlChunks[0].groupLabels!.slice(0, 3)).toEqual(['0', '1', '2']); // ids read from JSONL become labels
  });

  it('tells the input format by the first byte when the name does not', async () => {
    rolled();
    const bare = tmp.path('rollout-data');
    writeFileSync(bare, readFileSync(rollout));
    const a = tmp.path('bare.jsonl');
    const b = tmp.path('named.jsonl');
    gigpo(['score', bare, '--out', a]);
    gigpo(['score', rollout, '--out', b]);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    const text = tmp.path('text-data');
    writeFileSync(text, readFileSync(b));
    const summary = JSON.parse(gigpo(['score', text, '--out', tmp.path('again.msgpack'), '--json']).stdout);
    expect(summary).toMatchObject({ inputFormat: 'jsonl', outputFormat: 'msgpack', trajectories: 160 });
  });

  it('reads msgpack from stdin (detected by its first byte)', async () => {
    rolled();
    const r = runCli(['score', '-', '--out', '-', '--out-format', 'msgpack'], { input: readFileSync(rollout) });
    expect(r.status).toBe(0);
    const direct = tmp.path('stdin-direct.msgpack');
    gigpo(['score', rollout, '--out', direct]);
    // spawnSync decodes stdout as UTF-8; compare through a file instead.
    const piped = tmp.path('stdin-piped.msgpack');
    const p = runCli(['score', '-', '--out', piped], { input: readFileSync(rollout) });
    expect(p.status).toBe(0);
    expect(readFileSync(piped)).toEqual(readFileSync(direct));
  });
});
