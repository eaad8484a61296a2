// Peak memory of `gigpo score` on a large JSONL file: generates a ~2 GiB trajectory-form
// JSONL file in a temporary directory (a Sokoban rollout's trajectories repeated under new
// group ids), runs the CLI on it as a child process, samples the child's peak resident set
// (VmHWM in /proc/<pid>/status) and reports it with the throughput. Deletes everything.
//   node dist/bench/score-memory.js [--gib 2] [--threads 1] [--out-format jsonl|msgpack] [--max-open-rows N] [--batch-rows N]
// Prints a summary and one JSON line.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { gigpoBin } from '../lib/cli/bin-path.js';
import { encodeJsonlLines } from '../lib/io/jsonl-writer.js';
import { trajectoryStarts } from '../lib/io/step-batch.js';
import { randomPolicy } from '../lib/policy/native.js';
import { RolloutEngine } from '../lib/rollout/engine.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const targetBytes = Number(arg('gib', '2')) * 1024 ** 3;
const threads = arg('threads', '1');
const outFormat = arg('out-format', 'jsonl');
// Passed on to gigpo score when given.
const passed = ['max-open-rows', 'batch-rows'].flatMap((name) => (process.argv.includes(`--${name}`) ? [`--${name}`, arg(name, '')] : []));

/** Writes the input file; returns its rows and trajectories. */
async function generate(path: string): Promise<{ rows: number; trajectories: number; groups: number }> {
  const GROUPS = 2048;
  const batch = await new RolloutEngine().collect({
    env: 'sokoban',
    groups: GROUPS,
    groupSize: 8,
    maxSteps: 15,
    seed: 1,
    policy: randomPolicy(),
  });
  const { bytes, trajOffsets } = encodeJsonlLines(batch, 'trajectory');
  const starts = trajectoryStarts(batch);
  // Each trajectory's line after its group id, so repetitions only change the id.
  const suffixes: string[] = [];
  const groupOf: number[] = [];
  const decoder = new TextDecoder();
  for (let t = 0; t + 1 < starts.length; t++) {
    const line = decoder.decode(bytes.subarray(trajOffsets[t], trajOffsets[t + 1] - 1)); // without its line break
    suffixes.push(line.slice(line.indexOf(',"traj":')));
    groupOf.push(batch.group[starts[t]]);
  }
  const fd = openSync(path, 'w');
  let written = 0;
  let rows = 0;
  let trajectories = 0;
  let rep = 0;
  try {
    while (written < targetBytes) {
      let text = '';
      for (let t = 0; t < suffixes.length; t++) text += `{"group":${rep * GROUPS + groupOf[t]}${suffixes[t]}\n`;
      written += writeSync(fd, text);
      rows += batch.numRows;
      trajectories += suffixes.length;
      rep++;
    }
  } finally {
    closeSync(fd);
  }
  return { rows, trajectories, groups: rep * GROUPS };
}

function status(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { hwm: kb('VmHWM') * 1024, rss: kb('VmRSS') * 1024 };
  } catch {
    return undefined; // the process has exited
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gigpo-bench-score-memory-'));
  try {
    const input = join(dir, 'big.jsonl');
    const output = join(dir, `scored.${outFormat}`);
    const t0 = performance.now();
    const made = await generate(input);
    const inputBytes = statSync(input).size;
    console.log(
      `generated ${(inputBytes / 1024 ** 3).toFixed(2)} GiB: ${made.rows} rows, ${made.trajectories} trajectories, ${made.groups} groups in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const cli = gigpoBin;
    const args = [cli, 'score', input, '--out', output, '--threads', threads, '--json', ...passed];
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let peak = 0;
    let peakRss = 0;
    const sample = () => {
      const s = status(child.pid!);
      if (s) {
        peak = Math.max(peak, s.hwm);
        peakRss = Math.max(peakRss, s.rss);
      }
    };
    const timer = setInterval(sample, 50);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`gigpo score exited ${code}: ${stderr}`);
    const summary = JSON.parse(stdout) as { rows: number; rowsPerSecond: number; seconds: number };
    const outputBytes = statSync(output).size;
    const mib = (b: number) => (b / 1024 ** 2).toFixed(0);
    console.log(
      `gigpo score ${input.split('/').pop()} --out ${output.split('/').pop()} --threads ${threads}${passed.length ? ` ${passed.join(' ')}` : ''}`,
    );
    console.log(
      `  ${summary.rows} rows in ${seconds.toFixed(1)} s (${(summary.rowsPerSecond / 1e3).toFixed(0)}k rows/s, ${(inputBytes / 1024 ** 2 / seconds).toFixed(0)} MiB/s of input); ` +
        `output ${(outputBytes / 1024 ** 3).toFixed(2)} GiB`,
    );
    console.log(`  peak RSS (VmHWM) ${mib(peak)} MiB; highest VmRSS sampled ${mib(peakRss)} MiB`);
    console.log(
      JSON.stringify({
        bench: 'score-memory',
        inputBytes,
        outputBytes,
        rows: summary.rows,
        threads: Number(threads),
        outFormat,
        seconds,
        rowsPerSecond: summary.rowsPerSecond,
        peakRssBytes: peak,
        peakRssMiB: peak / 1024 ** 2,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
