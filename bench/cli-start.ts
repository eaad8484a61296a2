// Start-up and small-file speed of the CLI, as ratios within one run:
//  1. `gigpo --help` against `node -e 0` (the goal: within 50 ms);
//  2. `gigpo score` of a 20,000-row JSONL rollout, end to end as a process (start-up, read,
//     GiGPO, write), against the reference GiGPO's compute alone on the same rows (not
//     Python's start-up, importing torch or reading the file): bench/reference_gigpo.py
//     (torch; needs python3-torch) in the reference's own data flow (variant verl, the goal's
//     baseline) and in the same loops without its whole-batch scans (variant loops, a lower
//     bound), and the plain-TypeScript reference (test/reference/advantage.ts).
//   node dist/bench/cli-start.js [--rows 20000] [--runs 15] [--py-runs 1]
// Times are medians of interleaved runs, wall and (with /usr/bin/time) CPU. Prints a table
// and one JSON line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { gigpoBin } from '../lib/cli/bin-path.js';
import { resolveAdvantageOptions } from '../lib/advantage/options.js';
import { formatTable } from '../lib/cli/format.js';
import { writeJsonlFile } from '../lib/io/jsonl-writer.js';
import { readTrajectoryRecords } from '../lib/io/jsonl-reader.js';
import { recordsToBatch } from '../lib/io/records-to-batch.js';
import { packageRoot } from '../lib/native.js';
import { randomPolicy } from '../lib/policy/native.js';
import { RolloutEngine } from '../lib/rollout/engine.js';
import { referenceAdvantages } from '../test/reference/advantage.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const targetRows = flag('rows', 20_000);
const runs = flag('runs', 15);
const cli = gigpoBin;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// CPU time (user + system) of a child, through /usr/bin/time where it exists: on a shared,
// loaded machine it moves far less than wall time.
const timeTool = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall milliseconds of one process run (its CPU milliseconds go to `cpu`); throws if it fails. */
function timeProcess(command: string, args: string[], cpu?: number[]): number {
  const argv = timeTool ? [timeTool, '-f', 'cpu %U %S', command, ...args] : [command, ...args];
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  const m = /cpu (\S+) (\S+)\s*$/.exec(r.stderr);
  if (m && cpu) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  return ms;
}

const dir = mkdtempSync(join(tmpdir(), 'gigpo-cli-start-'));
try {
  // Input: Sokoban, random policy, 15-step limit: about 15 rows per trajectory.
  const groups = Math.ceil(targetRows / (8 * 15));
  const batch = await new RolloutEngine().collect({ env: 'sokoban', groups, groupSize: 8, maxSteps: 15, seed: 1, policy: randomPolicy() });
  const input = join(dir, 'rollout.jsonl');
  await writeJsonlFile(input, [batch], 'trajectory');
  const out = join(dir, 'scored.jsonl');

  const bare: number[] = [];
  const help: number[] = [];
  const score: number[] = [];
  const [bareCpu, helpCpu, scoreCpu]: number[][] = [[], [], []];
  for (let k = 0; k < runs; k++) {
    bare.push(timeProcess(process.execPath, ['-e', '0'], bareCpu));
    help.push(timeProcess(process.execPath, [cli, '--help'], helpCpu));
    if (k < Math.max(3, Math.ceil(runs / 3))) score.push(timeProcess(process.execPath, [cli, 'score', input, '--out', out], scoreCpu));
  }
  const cpu = (xs: number[]) => (xs.length > 0 ? median(xs) : undefined);

  // The references' compute alone, on the same rows.
  const records = [];
  for await (const r of readTrajectoryRecords(input)) records.push(r);
  const byGroup = new Map<string, typeof records>();
  for (const r of records) byGroup.set(String(r.group), [...(byGroup.get(String(r.group)) ?? []), r]);
  const { batch: rows } = recordsToBatch([...byGroup.values()]);
  const options = resolveAdvantageOptions({});
  const tsTimes: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    referenceAdvantages(rows, options);
    tsTimes.push(performance.now() - t0);
  }
  // The Python reference: its own data flow ('verl', the goal's baseline; one run, it is slow
  // and its time is set by whole-batch scans, not noise) and the same arithmetic without the
  // scans ('loops', a lower bound for a port in that style).
  const python = (variant: string, repeat: number) => {
    const py = spawnSync(
      '/usr/bin/python3',
      [
        join(packageRoot, 'bench', 'reference_gigpo.py'),
        input,
        '--variant',
        variant,
        '--repeat',
        String(repeat),
        '--advantages',
        join(dir, `py-${variant}.json`),
      ],
      {
        encoding: 'utf8',
      },
    );
    if (py.status !== 0) {
      console.error(`python reference (${variant}) not run: ${py.stderr.trim() || py.error?.message}`);
      return {};
    }
    // Same rows in the same order (the file's), so the advantages must agree.
    const reply = JSON.parse(py.stdout.trim()) as { computeSeconds: number; computeCpuSeconds: number };
    const ms = reply.computeSeconds * 1000;
    const cpuMs = reply.computeCpuSeconds * 1000;
    const ours = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .flatMap((l) => (JSON.parse(l) as { steps?: { advantage: number }[] }).steps?.map((s) => s.advantage) ?? []); // meta lines have no steps
    const theirs = JSON.parse(readFileSync(join(dir, `py-${variant}.json`), 'utf8')) as number[];
    if (theirs.length !== ours.length)
      throw new Error(`python reference (${variant}): ${theirs.length} advantages for ${ours.length} rows`);
    return { ms, cpuMs, agreement: Math.max(...ours.map((a, i) => Math.abs(a - theirs[i]))) };
  };
  const verl = python('verl', flag('py-runs', 1));
  const loops = python('loops', 3);
  const pythonMs = verl.ms;
  const pythonAgreement =
    verl.agreement === undefined && loops.agreement === undefined ? undefined : Math.max(verl.agreement ?? 0, loops.agreement ?? 0);

  const result = {
    bench: 'cli-start',
    rows: batch.numRows,
    nodeMs: median(bare),
    helpMs: median(help),
    helpOverNodeMs: median(help) - median(bare),
    nodeCpuMs: cpu(bareCpu),
    helpCpuMs: cpu(helpCpu),
    scoreCpuMs: cpu(scoreCpu),
    scoreMs: median(score),
    pythonReferenceComputeMs: pythonMs,
    pythonReferenceComputeCpuMs: verl.cpuMs,
    pythonLoopsComputeMs: loops.ms,
    pythonLoopsComputeCpuMs: loops.cpuMs,
    tsReferenceComputeMs: median(tsTimes),
    pythonOverScore: pythonMs === undefined ? undefined : pythonMs / median(score),
    pythonLoopsOverScore: loops.ms === undefined ? undefined : loops.ms / median(score),
    // The same ratios in CPU time (what a loaded machine distorts least).
    pythonOverScoreCpu: verl.cpuMs === undefined || cpu(scoreCpu) === undefined ? undefined : verl.cpuMs / cpu(scoreCpu)!,
    pythonLoopsOverScoreCpu: loops.cpuMs === undefined || cpu(scoreCpu) === undefined ? undefined : loops.cpuMs / cpu(scoreCpu)!,
    tsReferenceOverScore: median(tsTimes) / median(score),
    pythonAgreement,
  };
  const f = (x: number | undefined, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  console.log(
    formatTable(
      ['measure', 'wall ms', 'CPU ms', 'ratio'],
      [
        ['node -e 0', f(result.nodeMs), f(result.nodeCpuMs), ''],
        ['gigpo --help', f(result.helpMs), f(result.helpCpuMs), `+${f(result.helpOverNodeMs)} ms wall`],
        [`gigpo score (${result.rows} rows, end to end)`, f(result.scoreMs), f(result.scoreCpuMs), '1'],
        [
          'Python reference (verl-agent data flow) compute alone',
          f(pythonMs),
          f(verl.cpuMs),
          `${f(result.pythonOverScore, 2)}x wall, ${f(result.pythonOverScoreCpu, 2)}x CPU`,
        ],
        [
          'Python, same loops without its scans, compute alone',
          f(loops.ms),
          f(loops.cpuMs),
          `${f(result.pythonLoopsOverScore, 2)}x wall, ${f(result.pythonLoopsOverScoreCpu, 2)}x CPU`,
        ],
        ['TypeScript reference compute alone', f(result.tsReferenceComputeMs), '', `${f(result.tsReferenceOverScore, 2)}x the score time`],
      ],
    ),
  );
  if (pythonAgreement !== undefined)
    console.log(`max |advantage difference| score vs Python references: ${pythonAgreement.toExponential(2)}`);
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
