// `gigpo score` throughput. msgpack -> msgpack: rows/s of scoreFile (read, decode and
// validate, GiGPO, encode, write) against msgpackr's own decode + encode of the same file,
// as a ratio in one run (DESIGN.md, "Measuring performance"). The baseline is timed two
// ways: file to file (readFile, Unpackr.unpackMultiple, Packr.pack, writeFile: the same
// I/O as score) and in memory (decode + encode of the file's bytes already read). Also
// JSONL -> JSONL and JSONL -> msgpack rows/s, each with 1 and N threads, and one run of
// the CLI itself. Input: a Sokoban rollout (random policy, 15 steps) written by the engine.
//   node dist/bench/score.js [--rows 1000000] [--rounds 5] [--threads 2] [--jsonl-rounds 3]
// Times are the best of alternating rounds. Prints a table and one JSON line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';

import { Packr, Unpackr } from 'msgpackr';

import { gigpoBin } from '../lib/cli/bin-path.js';
import { formatTable } from '../lib/cli/format.js';
import { writeJsonlFile } from '../lib/io/jsonl-writer.js';
import { writeMsgpackFile } from '../lib/io/msgpack-writer.js';
import type { StepBatch } from '../lib/io/step-batch.js';
import { randomPolicy } from '../lib/policy/native.js';
import { RolloutPool } from '../lib/rollout/pool.js';
import { scoreFile } from '../lib/score/score-file.js';
import { ScorePool } from '../lib/score/score-pool.js';
import type { Scorer } from '../lib/score/scorer.js';
import type { ByteSink } from '../lib/io/byte-sink.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const targetRows = flag('rows', 1_000_000);
const rounds = flag('rounds', 5);
const jsonlRounds = flag('jsonl-rounds', 3);
const threads = flag('threads', 2);
const GROUPS_PER_CHUNK = 512; // ~58k rows, ~2.3 MB per chunk

async function makeInput(dir: string): Promise<{ msgpack: string; jsonl: string; rows: number }> {
  const pool = new RolloutPool({ maxThreads: 2 });
  const chunks: StepBatch[] = [];
  let rows = 0;
  try {
    for (let first = 0; rows < targetRows; first += GROUPS_PER_CHUNK) {
      const b = await pool.collect({
        env: 'sokoban',
        groups: GROUPS_PER_CHUNK,
        groupSize: 8,
        maxSteps: 15,
        seed: 1,
        firstGroup: first,
        policy: randomPolicy(),
      });
      delete b.meta; // per-call latencies; keep chunks to their columns
      chunks.push(b);
      rows += b.numRows;
    }
  } finally {
    await pool.destroy();
  }
  const msgpack = join(dir, 'rollout.msgpack');
  const jsonl = join(dir, 'rollout.jsonl');
  await writeMsgpackFile(msgpack, chunks);
  await writeJsonlFile(jsonl, chunks, 'trajectory');
  return { msgpack, jsonl, rows };
}

// The fastest of the alternating rounds: noise on a shared machine only ever adds time.
function best(xs: number[]): number {
  return Math.min(...xs);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

async function baselineFileToFile(input: string, output: string): Promise<void> {
  const unpackr = new Unpackr({ useRecords: false });
  const packr = new Packr({ useRecords: false });
  const parts: Uint8Array[] = [];
  for (const value of unpackr.unpackMultiple(await readFile(input)) as unknown[]) parts.push(packr.pack(value));
  await writeFile(output, Buffer.concat(parts));
}

function baselineInMemory(bytes: Buffer): number {
  const unpackr = new Unpackr({ useRecords: false });
  const packr = new Packr({ useRecords: false });
  let out = 0;
  for (const value of unpackr.unpackMultiple(bytes) as unknown[]) out += packr.pack(value).length;
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gigpo-bench-score-'));
  const pool = new ScorePool({ threads });
  try {
    const { msgpack, jsonl, rows } = await makeInput(dir);
    const bytes = await readFile(msgpack);
    const out = (name: string) => join(dir, name);
    const score = (input: string, output: string, scorer?: Scorer) => scoreFile({ input, output, scorer });
    // In memory: the file's bytes as a one-piece stream, the output counted and dropped.
    const inMemory = (scorer?: Scorer) => {
      let written = 0;
      const sink: ByteSink = {
        name: 'memory',
        write: async (d) => {
          written += d.length;
        },
        close: async () => {},
        abort: async () => {},
      };
      return scoreFile({ input: Readable.from([bytes]), inputFormat: 'msgpack', output: sink, outputFormat: 'msgpack', scorer }).then(
        () => written,
      );
    };
    const t = {
      baseFile: [] as number[],
      baseMemory: [] as number[],
      one: [] as number[],
      many: [] as number[],
      mem1: [] as number[],
      memN: [] as number[],
    };
    for (let i = 0; i < rounds; i++) {
      t.baseFile.push(await timed(() => baselineFileToFile(msgpack, out('baseline.msgpack'))));
      t.baseMemory.push(await timed(async () => baselineInMemory(bytes)));
      t.one.push(await timed(() => score(msgpack, out('scored.1.msgpack'))));
      t.many.push(await timed(() => score(msgpack, out('scored.n.msgpack'), pool)));
      t.mem1.push(await timed(() => inMemory()));
      t.memN.push(await timed(() => inMemory(pool)));
    }
    const j = { jj1: [] as number[], jjN: [] as number[], jm1: [] as number[], jmN: [] as number[] };
    for (let i = 0; i < jsonlRounds; i++) {
      j.jj1.push(await timed(() => score(jsonl, out('scored.1.jsonl'))));
      j.jjN.push(await timed(() => score(jsonl, out('scored.n.jsonl'), pool)));
      j.jm1.push(await timed(() => score(jsonl, out('scored-j.1.msgpack'))));
      j.jmN.push(await timed(() => score(jsonl, out('scored-j.n.msgpack'), pool)));
    }
    // The CLI end to end (process start included in the wall time).
    const cli = gigpoBin;
    const wall = performance.now();
    const r = spawnSync(process.execPath, [cli, 'score', msgpack, '--out', out('cli.msgpack'), '--json'], { encoding: 'utf8' });
    const cliWall = (performance.now() - wall) / 1000;
    if (r.status !== 0) throw new Error(`gigpo score failed: ${r.stderr}`);
    const cliSummary = JSON.parse(r.stdout) as { rowsPerSecond: number };

    const rate = (s: number) => rows / s;
    const m = Object.fromEntries(Object.entries({ ...t, ...j }).map(([k, v]) => [k, best(v)])) as Record<
      keyof typeof t | keyof typeof j,
      number
    >;
    const mb = (path: string) => (statSync(path).size / 1e6).toFixed(1);
    console.log(
      `input: ${rows} rows; ${msgpack.split('/').pop()} ${mb(msgpack)} MB, ${jsonl.split('/').pop()} ${mb(jsonl)} MB; best of ${rounds} (msgpack) / ${jsonlRounds} (JSONL) alternating rounds`,
    );
    console.log(
      formatTable(
        ['run', 'seconds', 'rows/s', 'vs msgpackr file->file', 'vs msgpackr in memory'],
        [
          ['msgpackr decode+encode, file -> file', m.baseFile, 1, m.baseMemory / m.baseFile],
          ['msgpackr decode+encode, in memory', m.baseMemory, m.baseFile / m.baseMemory, 1],
          ['score msgpack -> msgpack, 1 thread', m.one, m.baseFile / m.one, m.baseMemory / m.one],
          [`score msgpack -> msgpack, ${threads} threads`, m.many, m.baseFile / m.many, m.baseMemory / m.many],
          ['score msgpack -> msgpack in memory, 1 thread', m.mem1, undefined, m.baseMemory / m.mem1],
          [`score msgpack -> msgpack in memory, ${threads} threads`, m.memN, undefined, m.baseMemory / m.memN],
          ['score JSONL -> JSONL, 1 thread', m.jj1],
          [`score JSONL -> JSONL, ${threads} threads`, m.jjN],
          ['score JSONL -> msgpack, 1 thread', m.jm1],
          [`score JSONL -> msgpack, ${threads} threads`, m.jmN],
        ].map(([name, s, a, b]) => [
          name as string,
          (s as number).toFixed(3),
          rate(s as number).toFixed(0),
          a === undefined ? '' : `${((a as number) * 100).toFixed(0)}%`,
          b === undefined ? '' : `${((b as number) * 100).toFixed(0)}%`,
        ]),
      ),
    );
    console.log(
      `CLI (gigpo score ${msgpack.split('/').pop()} --out cli.msgpack): ${cliSummary.rowsPerSecond.toFixed(0)} rows/s in the pipeline, ${cliWall.toFixed(2)} s wall with process start`,
    );
    console.log(
      JSON.stringify({
        bench: 'score',
        rows,
        threads,
        msgpackBytes: statSync(msgpack).size,
        jsonlBytes: statSync(jsonl).size,
        rowsPerSecond: {
          msgpackrFileToFile: rate(m.baseFile),
          msgpackrInMemory: rate(m.baseMemory),
          msgpack1: rate(m.one),
          msgpackN: rate(m.many),
          msgpackInMemory1: rate(m.mem1),
          msgpackInMemoryN: rate(m.memN),
          jsonlToJsonl1: rate(m.jj1),
          jsonlToJsonlN: rate(m.jjN),
          jsonlToMsgpack1: rate(m.jm1),
          jsonlToMsgpackN: rate(m.jmN),
          cli: cliSummary.rowsPerSecond,
        },
        ratio: {
          fileToFile1: m.baseFile / m.one,
          fileToFileN: m.baseFile / m.many,
          inMemory1: m.baseMemory / m.mem1,
          inMemoryN: m.baseMemory / m.memN,
        },
        threadsSpeedup: { msgpack: m.one / m.many, jsonlToJsonl: m.jj1 / m.jjN },
        cliWallSeconds: cliWall,
      }),
    );
  } finally {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
