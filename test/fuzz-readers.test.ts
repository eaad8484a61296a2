// The readers under a mutation fuzzer for a bounded time (GIGPO_FUZZ_SECONDS; default 60 s
// under CI, 15 s otherwise): mutants of valid JSONL and msgpack files (byte flips,
// truncations, splices, huge declared lengths, shape / dtype / offset / flag lies, giant
// lines) go through scoreFile (1 and 2 threads, with and without skipInvalid), inspectFile
// and the plain readers in a watched process, and every 8th also through the CLI. A case
// fails on a crash (death, or exit >= 128), a hang, a file left behind, an error that is
// not a GigpoInputError or does not name the file and its line or chunk. The regression
// inputs of issue 16 run first. Replay a run with GIGPO_FUZZ_SEED.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, expect, it } from 'vitest';

import { cliPath, projectRoot, tempDir } from './helpers/cli.js';
import { HOSTILE_INPUTS } from './helpers/hostile-inputs.js';
import { mutants, type Mutant } from './fuzz/mutations.js';

const seconds = Number(process.env.GIGPO_FUZZ_SECONDS ?? (process.env.CI === 'true' ? 60 : 15));
const seed = Number(process.env.GIGPO_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASE_TIMEOUT_MS = 30_000;
const TASKS = ['score', 'score', 'score', 'score-skip', 'score-pool', 'inspect', 'inspect', 'read'] as const;

const tmp = tempDir('fuzz');
afterAll(() => tmp.cleanup());

/** Where an error must point: the path, then a line, a chunk, or a whole-file reason. */
function namesPlace(message: string, path: string): boolean {
  if (!message.startsWith(path)) return false;
  return /^(:\d+(?: \(steps\[\d+\]\))?: |: chunk \d+: |: (empty file|no valid records|nothing to score))/.test(message.slice(path.length));
}

interface Failure {
  kind: 'crash' | 'hang' | 'unclear' | 'leftover';
  case: string;
  what: string;
  detail: string;
}

class ReaderProcess {
  private child!: ChildProcess;
  private waiting: ((reply: { ok: boolean; error?: string; gigpo?: boolean } | { died: string }) => void) | undefined;
  private nextId = 0;

  async start(): Promise<void> {
    this.child = fork(join(projectRoot, 'test', 'fuzz', 'worker.mjs'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    let stderr = '';
    this.child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.child.on('exit', (code, signal) =>
      this.waiting?.({ died: `exit ${code} signal ${signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}` }),
    );
    this.child.on('message', (m: { ready?: boolean; ok: boolean }) => {
      if (!m.ready) this.waiting?.(m);
    });
    await new Promise<void>((resolve, reject) => {
      this.child.once('message', () => resolve());
      this.child.once('exit', () => reject(new Error(`fuzz worker did not start: ${stderr}`)));
    });
  }

  run(
    task: string,
    path: string,
    outDir: string,
  ): Promise<{ ok: boolean; error?: string; gigpo?: boolean } | { died: string } | { hung: true }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve({ hung: true });
      }, CASE_TIMEOUT_MS);
      this.waiting = (reply) => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(reply);
      };
      this.child.send({ id: this.nextId++, task, path, outDir });
    });
  }

  async restart(): Promise<void> {
    this.stop();
    await this.start();
  }

  stop(): void {
    this.waiting = undefined;
    this.child.removeAllListeners('exit');
    this.child.kill('SIGKILL');
  }
}

function runCliCase(args: string[]): Promise<{ status: number | null; signal: string | null; stderr: string; hung: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, CASE_TIMEOUT_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stderr, hung });
    });
  });
}

it(
  `survives mutated inputs for ${seconds} s (seed ${seed})`,
  async () => {
    const reader = new ReaderProcess();
    await reader.start();
    const failures: Failure[] = [];
    const counts = { cases: 0, cliCases: 0, accepted: 0, rejected: 0 };
    const source = mutants(seed);
    const regression: Mutant[] = HOSTILE_INPUTS.map((h) => ({ file: h.file, bytes: h.bytes(), what: `regression: ${h.name}` }));
    const started = performance.now();
    try {
      for (let n = 0; regression.length > 0 || performance.now() - started < seconds * 1000; n++) {
        const m = regression.shift() ?? source.next();
        const dir = join(tmp.dir, `c${n % 4}`); // reused: every case must leave its directories empty
        rmSync(dir, { recursive: true, force: true });
        const outDir = join(dir, 'out');
        mkdirSync(outDir, { recursive: true });
        const path = join(dir, m.file);
        writeFileSync(path, m.bytes);
        const task = TASKS[n % TASKS.length];
        const fail = (kind: Failure['kind'], detail: string) =>
          failures.push({ kind, case: `${n} (${m.file}, ${task})`, what: m.what, detail: detail.slice(0, 600) });
        counts.cases++;
        const reply = await reader.run(task, path, outDir);
        if ('hung' in reply) {
          fail('hang', `no answer in ${CASE_TIMEOUT_MS} ms`);
          await reader.restart();
          continue;
        }
        if ('died' in reply) {
          fail('crash', reply.died);
          await reader.restart();
          continue;
        }
        const left = readdirSync(outDir);
        if (reply.ok) {
          counts.accepted++;
          const expected = task.startsWith('score') ? [m.file.endsWith('.msgpack') ? 'out.jsonl' : 'out.msgpack'] : [];
          if (JSON.stringify(left) !== JSON.stringify(expected)) fail('leftover', `after success: ${left.join(', ')}`);
        } else {
          counts.rejected++;
          const message = reply.error!.replace(/^GigpoInputError: /, '');
          if (!reply.gigpo || !namesPlace(message, path)) fail('unclear', reply.error!);
          if (left.length > 0) fail('leftover', `after an error: ${left.join(', ')}`);
        }
        if (n % 8 === 0) {
          counts.cases++;
          counts.cliCases++;
          rmSync(outDir, { recursive: true, force: true });
          mkdirSync(outDir);
          const cli =
            n % 16 === 0 ? ['inspect', path] : ['score', path, '--threads', n % 32 === 8 ? '2' : '1', '--out', join(outDir, 'cli.jsonl')];
          const r = await runCliCase(cli);
          const place = `${n} (${m.file}, gigpo ${cli[0]})`;
          if (r.hung) failures.push({ kind: 'hang', case: place, what: m.what, detail: 'no exit' });
          else if (r.status === null || r.status >= 128)
            failures.push({
              kind: 'crash',
              case: place,
              what: m.what,
              detail: `status ${r.status} signal ${r.signal}: ${r.stderr.slice(-600)}`,
            });
          else if (r.status !== 0 && !(r.status === 1 && /^gigpo: [^\n]*\n$/.test(r.stderr) && namesPlace(r.stderr.slice(7), path)))
            failures.push({ kind: 'unclear', case: place, what: m.what, detail: `status ${r.status}: ${r.stderr.slice(0, 600)}` });
          const cliLeft = readdirSync(outDir);
          if (r.status === 0 && cli[0] === 'score' ? !existsSync(join(outDir, 'cli.jsonl')) || cliLeft.length !== 1 : cliLeft.length !== 0)
            failures.push({ kind: 'leftover', case: place, what: m.what, detail: cliLeft.join(', ') });
        }
      }
    } finally {
      reader.stop();
    }
    const elapsed = (performance.now() - started) / 1000;
    const tally = (kind: Failure['kind']) => failures.filter((f) => f.kind === kind).length;
    const report = {
      seed,
      seconds: Number(elapsed.toFixed(1)),
      ...counts,
      crashes: tally('crash'),
      hangs: tally('hang'),
      unclear: tally('unclear'),
      leftovers: tally('leftover'),
    };
    console.log(`fuzz: ${JSON.stringify(report)}`);
    if (process.env.GIGPO_FUZZ_REPORT) writeFileSync(process.env.GIGPO_FUZZ_REPORT, `${JSON.stringify({ ...report, failures })}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(counts.cases).toBeGreaterThan(HOSTILE_INPUTS.length);
  },
  (seconds + 120) * 1000,
);
