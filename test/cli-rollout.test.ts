// gigpo rollout end to end: the file holds exactly what RolloutEngine collects for the
// same flags (any thread count), Python reads the same values back, JSONL in both forms,
// --levels, --policy openai against a local server, usage and input errors.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  concatStepBatches,
  oraclePolicy,
  randomPolicy,
  readMsgpackChunks,
  RolloutEngine,
  rowObservation,
  type CollectOptions,
  type StepBatch,
} from '../lib/index.js';
import { runCli, runCliAsync, tempDir } from './helpers/cli.js';
import { pythonDump, requirePython } from './helpers/python.js';
import { requireBoxoban, writeLevelFile } from './helpers/sokoban.js';
import { completion, startFakeOpenAI } from './fixtures/fake-openai-server.js';

const tmp = tempDir('cli-rollout');
afterAll(() => tmp.cleanup());

async function chunks(path: string): Promise<StepBatch[]> {
  const out: StepBatch[] = [];
  for await (const b of readMsgpackChunks(path)) out.push(b);
  return out;
}

function gigpo(args: string[]) {
  const r = runCli(args);
  if (r.status !== 0) throw new Error(`gigpo ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

const COLUMNS = ['group', 'traj', 'step', 'action', 'reward', 'done', 'truncated', 'valid', 'anchor', 'obs'] as const;

function expectSameRows(actual: StepBatch, expected: StepBatch): void {
  expect(actual.numRows).toBe(expected.numRows);
  for (const c of COLUMNS) expect(actual[c], c).toEqual(expected[c]);
  expect(actual.observations).toEqual(expected.observations);
}

describe('gigpo rollout', () => {
  it('writes chunks of complete groups equal to RolloutEngine.collect, for any thread count', async () => {
    const flags = [
      '--env',
      'sokoban',
      '--groups',
      '12',
      '--group-size',
      '4',
      '--max-steps',
      '15',
      '--policy',
      'oracle',
      '--epsilon',
      '0.3',
      '--seed',
      '7',
      '--chunk-groups',
      '5',
    ];
    const one = tmp.path('oracle.1.msgpack');
    const two = tmp.path('oracle.2.msgpack');
    const r = gigpo(['rollout', ...flags, '--out', one, '--json']);
    gigpo(['rollout', ...flags, '--threads', '2', '--out', two]);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      command: 'rollout',
      env: 'sokoban',
      policy: 'oracle(epsilon=0.3)',
      groups: 12,
      groupSize: 4,
      trajectories: 48,
      format: 'msgpack',
    });
    const a = await chunks(one);
    const b = await chunks(two);
    expect(a.map((c) => c.numRows)).toEqual(b.map((c) => c.numRows));
    expect(a.length).toBe(3); // 12 groups in chunks of 5
    const engine = new RolloutEngine();
    const options: CollectOptions = {
      env: 'sokoban',
      groups: 5,
      groupSize: 4,
      maxSteps: 15,
      seed: 7,
      policy: oraclePolicy({ epsilon: 0.3 }),
    };
    for (let k = 0; k < 3; k++) {
      const expected = await engine.collect({ ...options, groups: Math.min(5, 12 - 5 * k), firstGroup: 5 * k });
      expectSameRows(a[k], expected);
      expectSameRows(b[k], expected);
      expect(a[k].meta).toMatchObject({ env: 'sokoban', seed: 7, groupSize: 4 });
    }
    const all = concatStepBatches(a);
    expect(summary.rows).toBe(all.numRows);
    const successes = (a.map((c) => c.meta!.metrics) as { successRate: number; trajectories: number }[]).reduce(
      (s, m) => s + m.successRate * m.trajectories,
      0,
    );
    expect(summary.successRate).toBeCloseTo(successes / 48, 12);
  });

  it('round trip: rollout -> msgpack -> Python reader gives the same values', async (ctx) => {
    const python = requirePython(ctx);
    const path = tmp.path('python.msgpack');
    gigpo(['rollout', '--env', 'numberline', '--groups', '9', '--group-size', '3', '--seed', '2', '--chunk-groups', '4', '--out', path]);
    const dump = pythonDump(python, path);
    const batches = await chunks(path);
    expect(dump.length).toBe(batches.length);
    batches.forEach((b, i) => {
      const c = dump[i];
      expect(c.num_rows).toBe(b.numRows);
      expect(c.group).toEqual(Array.from(b.group));
      expect(c.traj).toEqual(Array.from(b.traj));
      expect(c.step).toEqual(Array.from(b.step));
      expect(c.action).toEqual(Array.from(b.action));
      expect(c.reward).toEqual(Array.from(b.reward)); // float32 values, compared exactly
      expect(c.done).toEqual(Array.from(b.done));
      expect(c.valid).toEqual(Array.from(b.valid));
      expect(c.anchor).toEqual(Array.from(b.anchor, String));
      expect(c.observation_texts[c.obs[0]]).toBe(rowObservation(b, 0));
      expect(c.meta.env).toBe('numberline');
    });
    // Scored output reads back too.
    const scored = tmp.path('python.scored.msgpack');
    gigpo(['score', path, '--out', scored]);
    const scoredDump = pythonDump(python, scored);
    const scoredBatches = await chunks(scored);
    scoredBatches.forEach((b, i) => {
      expect(scoredDump[i].advantage).toEqual(Array.from(b.scores!.advantage));
      expect(scoredDump[i].stepGroup).toEqual(Array.from(b.scores!.stepGroup));
    });
  });

  it('writes JSONL, one trajectory per line or with --rows one step per line', async () => {
    const flags = ['--env', 'numberline', '--groups', '3', '--group-size', '2', '--seed', '5'];
    const traj = tmp.path('n.jsonl');
    const rows = tmp.path('n.rows.jsonl');
    gigpo(['rollout', ...flags, '--out', traj]);
    gigpo(['rollout', ...flags, '--out', rows, '--rows']);
    const batch = await new RolloutEngine().collect({ env: 'numberline', groups: 3, groupSize: 2, seed: 5, policy: randomPolicy() });
    const [metaLine, ...lines] = readFileSync(traj, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // The chunk's meta comes first, as its own line (what msgpack keeps in the chunk map).
    expect(Object.keys(metaLine)).toEqual(['meta']);
    expect(metaLine.meta).toMatchObject({ env: 'numberline', seed: 5, groupSize: 2, policy: 'random' });
    expect(lines.length).toBe(6);
    const steps = lines.flatMap((l) => l.steps.map((s: Record<string, unknown>) => ({ group: l.group, traj: l.traj, ...s })));
    const rowLines = readFileSync(rows, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l));
    expect(rowLines.length).toBe(batch.numRows);
    for (let r = 0; r < batch.numRows; r++) {
      expect(steps[r]).toMatchObject({
        group: batch.group[r],
        traj: batch.traj[r],
        obs: rowObservation(batch, r),
        action: batch.action[r],
        reward: batch.reward[r],
      });
      expect(rowLines[r]).toMatchObject({
        group: batch.group[r],
        traj: batch.traj[r],
        step: batch.step[r],
        anchor: batch.anchor[r].toString(16).padStart(16, '0'),
      });
    }
  });

  it('--levels plays the given Boxoban level file', async () => {
    const levels = writeLevelFile('cli-levels.txt', ['#####\n#@$.#\n#####', '######\n#@ $.#\n######']);
    const path = tmp.path('levels.msgpack');
    gigpo(['rollout', '--env', 'sokoban', '--levels', levels, '--groups', '4', '--group-size', '2', '--seed', '3', '--out', path]);
    const [batch] = await chunks(path);
    const expected = await new RolloutEngine().collect({
      env: 'sokoban',
      envOptions: { levels },
      groups: 4,
      groupSize: 2,
      seed: 3,
      policy: randomPolicy(),
    });
    expectSameRows(batch, expected);
    // Every trajectory starts in one of the two corridors.
    const starts = new Set<string>();
    for (let r = 0; r < batch.numRows; r++) if (batch.step[r] === 0) starts.add(rowObservation(batch, r).split('\n').length.toString());
    expect([...starts]).toEqual(['3']);
  });

  it('--policy openai talks to the server with the API key from OPENAI_API_KEY or --api-key', async () => {
    const server = await startFakeOpenAI((req) => {
      const messages = req.body.messages as { content: string }[];
      const m = /Position: (\d+)\nTarget: (\d+)/.exec(messages[messages.length - 1].content)!;
      return {
        json: completion(`<action>${Number(m[1]) < Number(m[2]) ? '+' : '-'}</action>`, {
          tokenIds: [5, req.index],
          logprobs: [-0.5, -0.25],
        }),
      };
    });
    try {
      const path = tmp.path('openai.msgpack');
      const args = [
        'rollout',
        '--env',
        'numberline',
        '--groups',
        '2',
        '--group-size',
        '2',
        '--seed',
        '1',
        '--policy',
        'openai',
        '--base-url',
        server.baseURL,
        '--model',
        'm1',
        '--out',
        path,
        '--json',
      ];
      const r = await runCliAsync(args, { env: { OPENAI_API_KEY: 'sk-from-env' } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ policy: 'openai:m1', successRate: 1 });
      const [batch] = await chunks(path);
      expect(server.requests.length).toBe(batch.numRows);
      expect(server.requests.every((q) => q.headers.authorization === 'Bearer sk-from-env' && q.body.model === 'm1')).toBe(true);
      expect(batch.responseIds!.offsets[batch.numRows]).toBe(2 * batch.numRows);
      expect(batch.response && new TextDecoder().decode(batch.response.data)).toMatch(/^(<action>[+-]<\/action>)+$/);
      const seen = server.requests.length;
      const r2 = await runCliAsync([...args, '--api-key', 'sk-flag'], { env: { OPENAI_API_KEY: 'sk-from-env' } });
      expect(r2.status).toBe(0);
      expect(server.requests.slice(seen).every((q) => q.headers.authorization === 'Bearer sk-flag')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('--policy openai takes the policy options; a failed request drops its group and the summary says so', async () => {
    const server = await startFakeOpenAI((req) => {
      if (req.index === 0) return { hang: true }; // the first request never answers: it times out
      const messages = req.body.messages as { content: string }[];
      const m = /Position: (\d+)\nTarget: (\d+)/.exec(messages[messages.length - 1].content)!;
      return {
        json: {
          ...completion(`<action>${Number(m[1]) < Number(m[2]) ? '+' : '-'}</action>`),
          usage: { prompt_tokens: 30, completion_tokens: 4 },
        },
        delayMs: 2,
      };
    });
    try {
      const path = tmp.path('openai-flags.jsonl');
      const args = [
        'rollout',
        '--env',
        'numberline',
        '--groups',
        '4',
        '--group-size',
        '4',
        '--seed',
        '1',
        '--policy',
        'openai',
        '--base-url',
        server.baseURL,
        '--model',
        'm1',
      ];
      const flags = [
        '--timeout-ms',
        '300',
        '--retries',
        '0',
        '--top-p',
        '0.9',
        '--extra-body',
        '{"top_k":20}',
        '--no-return-token-ids',
        '--concurrency',
        '2',
        '--schedule',
        'step',
      ];
      const r = await runCliAsync([...args, ...flags, '--out', path, '--json']);
      expect(r.stderr).toBe(''); // no MaxListenersExceededWarning with 16 requests queued on 2 slots
      expect(r.status).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary).toMatchObject({
        groups: 3,
        trajectories: 12,
        failedRequests: 1,
        droppedGroups: 1,
        retries: 0,
        schedule: 'step',
        promptMode: 'history',
      });
      expect(summary.tokensIn).toBe(30 * (server.requests.length - 1));
      expect(summary.tokensOut).toBe(4 * (server.requests.length - 1));
      expect(summary.policyLatencyP99Ms).toBeGreaterThanOrEqual(300);
      expect(summary.firstError).toMatch(/step 0 failed after 1 attempt: timed out after 300 ms/);
      expect(Object.values(summary.stopReasons)).toEqual(['policy-error']);
      for (const q of server.requests) {
        expect(q.body).toMatchObject({ top_p: 0.9, top_k: 20, max_tokens: 128 });
        expect(q.body.return_token_ids).toBeUndefined();
      }
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1 + 12); // the meta line and 12 trajectories
      // The human summary line names the same figures.
      const human = await runCliAsync([...args, '--max-tokens', '64', '--out', tmp.path('openai-flags-2.jsonl')]);
      expect(human.status).toBe(0);
      expect(human.stdout).toMatch(
        /policy latency p50 [\d.]+ ms, p99 [\d.]+ ms, tokens in [\d.k]+ \/ out [\d.k]+, retries 0, failed requests 0, dropped groups 0\n/,
      );
      expect(server.requests[server.requests.length - 1].body.max_tokens).toBe(64);
    } finally {
      await server.close();
    }
  });

  const openai = ['--policy', 'openai', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'];
  const usage: [string, string[], string][] = [
    [
      '--epsilon with openai',
      [...openai, '--epsilon', '0.1'],
      'gigpo: --epsilon does not apply to --policy openai (only to --policy oracle)\n',
    ],
    [
      '--timeout-ms with random',
      ['--timeout-ms', '10'],
      'gigpo: --timeout-ms does not apply to --policy random (only to --policy openai)\n',
    ],
    [
      '--schedule with oracle',
      ['--policy', 'oracle', '--schedule', 'step'],
      'gigpo: --schedule does not apply to --policy oracle (only to --policy openai, --policy llama)\n',
    ],
    [
      '--threads with openai',
      [...openai, '--threads', '2'],
      'gigpo: --threads does not apply to --policy openai (only to --policy random, --policy oracle, --policy llama)\n',
    ],
    ['--extra-body not an object', [...openai, '--extra-body', '[1]'], "gigpo: --extra-body: expected a JSON object, got '[1]'\n"],
    [
      '--extra-body overriding the model',
      [...openai, '--extra-body', '{"model":"x"}'],
      'gigpo: --policy openai: openai.extraBody.model: is set by the policy and cannot be overridden\n',
    ],
    [
      'a bad --prompt-mode',
      [...openai, '--prompt-mode', 'chat'],
      "error: option '--prompt-mode <m>' argument 'chat' is invalid. Allowed choices are history, conversation.\n",
    ],
    [
      'an unknown env',
      ['--env', 'chess'],
      "gigpo: --env: unknown environment 'chess' (known: sokoban, numberline, frozenlake, ezpoints, points24, household, shop)\n",
    ],
    ['openai without a server', ['--policy', 'openai'], 'gigpo: --policy openai needs --base-url and --model\n'],
    ['a bad env option', ['--option', 'dim=2'], 'gigpo: --option: options.dim: must be in [5, 20], got 2\n'],
    [
      '--levels for an env without levels',
      ['--env', 'numberline', '--levels', 'x.txt'],
      "gigpo: --levels: environment 'numberline' has no levels option\n",
    ],
    ['zero groups', ['--groups', '0'], "gigpo: --groups: expected an integer in [1, 16777216], got '0'\n"],
    [
      'an unknown policy',
      ['--policy', 'greedy'],
      "error: option '--policy <name>' argument 'greedy' is invalid. Allowed choices are random, oracle, openai, llama.\n",
    ],
  ];
  for (const [name, flags, message] of usage)
    it(`usage error: ${name} (exit 2, no file)`, () => {
      const out = tmp.path(`usage-${name.replace(/\W+/g, '-')}.msgpack`);
      const r = runCli(['rollout', ...flags, '--out', out]);
      expect(r.stderr).toBe(message);
      expect(r.status).toBe(2);
      expect(existsSync(out)).toBe(false);
    });

  it('Boxoban levels under the default 15-step limit: 0% success comes with a warning naming the limit; --max-steps 200 succeeds without one', (ctx) => {
    const levels = join(requireBoxoban(ctx), 'medium', 'train', '000.txt');
    const { path, cleanup } = tempDir('cli-rollout-boxoban');
    try {
      const args = ['rollout', '--policy', 'oracle', '--levels', levels, '--groups', '4', '--group-size', '2'];
      const short = runCli([...args, '--out', path('short.jsonl'), '--json']);
      expect(short.status).toBe(0);
      const warning =
        'no trajectory succeeded and 8 of 8 stopped at the step limit (15 steps); Boxoban levels take far more moves than the default limit, ' +
        'which is made for small generated rooms: raise it, e.g. --max-steps 200';
      expect(short.stderr).toBe(`gigpo: warning: ${warning}\n`);
      const summary = JSON.parse(short.stdout) as { successRate: number; warning?: string };
      expect(summary.successRate).toBe(0);
      expect(summary.warning).toBe(warning);
      const long = runCli([...args, '--max-steps', '200', '--out', path('long.jsonl'), '--json']);
      expect(long.status).toBe(0);
      expect(long.stderr).toBe('');
      expect((JSON.parse(long.stdout) as { successRate: number }).successRate).toBe(1);
    } finally {
      cleanup();
    }
  });

  it('generated levels: the oracle under a step limit too short for the task gets the general hint; random gets none', () => {
    const { path, cleanup } = tempDir('cli-rollout-short');
    try {
      const r = runCli([
        'rollout',
        '--policy',
        'oracle',
        '--groups',
        '2',
        '--group-size',
        '2',
        '--max-steps',
        '1',
        '--out',
        path('r.jsonl'),
      ]);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe(
        'gigpo: warning: no trajectory succeeded and 4 of 4 stopped at the step limit (1 steps); raise it with --max-steps if the tasks need more steps\n',
      );
      const random = runCli([
        'rollout',
        '--policy',
        'random',
        '--groups',
        '2',
        '--group-size',
        '2',
        '--max-steps',
        '1',
        '--out',
        path('random.jsonl'),
      ]);
      expect(random.status).toBe(0);
      expect(random.stderr).toBe('');
    } finally {
      cleanup();
    }
  });

  it('an unreadable level file is an input error (exit 1, no file)', () => {
    const { dir, path, cleanup } = tempDir('cli-rollout-levels');
    try {
      const r = runCli(['rollout', '--levels', path('none.txt'), '--out', path('out.msgpack')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`gigpo: options.levels: cannot read '${path('none.txt')}': No such file or directory\n`);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
