// The rollout service against the engine in process (Sokoban, oracle policy, epsilon 0.3):
//   1. rows/s of /v1/streams batches consumed by the Python client (python/gigpo_client.py)
//      against rolloutAndScore in this process with the same threads; goal >= 0.8;
//   2. time to the first chunk of a 64-group POST /v1/rollouts, against its total time.
// Both sides run the same groups (dynamic sampling on: only non-zero-variance groups count).
//   node dist/bench/serve.js [threads] [groups] [batchRows]
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { gigpoBin } from '../lib/cli/bin-path.js';
import { formatTable } from '../lib/cli/format.js';
import { packageRoot } from '../lib/native.js';
import { oraclePolicy } from '../lib/policy/native.js';
import { rolloutAndScore } from '../lib/rollout/rollout-and-score.js';
import { RolloutPool } from '../lib/rollout/pool.js';

const threads = Number(process.argv[2] ?? 1);
const groups = Number(process.argv[3] ?? 8192);
const batchRows = Number(process.argv[4] ?? 16384);
const python = process.env.GIGPO_PYTHON ?? '/usr/bin/python3';
const setup = { env: 'sokoban', groupSize: 8, seed: 1 };

async function inProcess(): Promise<{ rows: number; seconds: number }> {
  const pool = new RolloutPool({ maxThreads: threads });
  try {
    // Warm the threads (addon load) the way the service's are warm when a trainer connects.
    await rolloutAndScore({ ...setup, groups: 64, pool, policy: oraclePolicy({ epsilon: 0.3 }) });
    const t0 = performance.now();
    const r = await rolloutAndScore({
      ...setup,
      groups,
      pool,
      policy: oraclePolicy({ epsilon: 0.3 }),
      assembly: { dropZeroVarianceGroups: true },
    });
    return { rows: r.batch.numRows, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await pool.destroy();
  }
}

async function startServe(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [gigpoBin, 'serve', '--port', '0', '--json', '--threads', String(threads)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      log += s;
      const m = /"url":"([^"]+)"/.exec(log);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`gigpo serve exited with ${code}: ${log}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const baseline = await inProcess();
const serve = await startServe();
let client: { rows: number; seconds: number; batches: number; firstChunkMs: number; rolloutSeconds: number; rolloutChunks: number };
try {
  const script = join(packageRoot, 'bench', 'serve_client.py');
  const r = spawnSync(python, [script, serve.url, String(groups), String(batchRows)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`serve_client.py failed: ${r.stderr}`);
  client = JSON.parse(r.stdout.trim().split('\n').pop()!);
} finally {
  await serve.stop();
}
const base = baseline.rows / baseline.seconds;
const served = client.rows / client.seconds;
console.log(
  formatTable(
    ['path', 'threads', 'rows', 'seconds', 'rows/s'],
    [
      ['rolloutAndScore in process', String(threads), String(baseline.rows), baseline.seconds.toFixed(3), base.toFixed(0)],
      [
        `/v1/streams batches in Python (${client.batches} x >= ${batchRows} rows)`,
        String(threads),
        String(client.rows),
        client.seconds.toFixed(3),
        served.toFixed(0),
      ],
    ],
  ),
);
console.log(`service / in process: ${(served / base).toFixed(2)} (goal >= 0.8)`);
console.log(
  `64-group /v1/rollouts: first chunk after ${client.firstChunkMs.toFixed(1)} ms of ${(client.rolloutSeconds * 1000).toFixed(1)} ms (${client.rolloutChunks} chunks)`,
);
console.log(
  JSON.stringify({
    bench: 'serve',
    threads,
    groups,
    batchRows,
    inProcessRowsPerSecond: base,
    serviceRowsPerSecond: served,
    ratio: served / base,
    ...client,
  }),
);
