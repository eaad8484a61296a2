// gigpo rollout --env remote: against a real `gigpo serve-env` process, with the OpenAI-compatible
// policy (a local fake server answering from the prompt alone), the file equals the in-process
// rollout's row for row and `gigpo score` takes it; flags that do not apply are usage errors
// (exit 2); a server killed mid-run fails the run (exit 1) and leaves no file.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readMsgpackChunks, type StepBatch } from '../lib/index.js';
import { completion, startFakeOpenAI, type FakeOpenAIServer } from './fixtures/fake-openai-server.js';
import { runCli, runCliAsync, tempDir } from './helpers/cli.js';
import { plainRows } from './helpers/remote-rollouts.js';
import { startServeEnv, type ServeEnvProcess } from './helpers/serve-env.js';

const tmp = tempDir('cli-remote');
let llm: FakeOpenAIServer;
/** Called on every policy request (a test may kill its server there). */
let onRequest: (step: number) => Promise<void> = async () => {};

beforeAll(async () => {
  // The action is a function of the prompt: the same prompts get the same answers in both rollouts.
  llm = await startFakeOpenAI(async (req) => {
    const messages = req.body.messages as { content: string }[];
    const content = messages[messages.length - 1].content;
    await onRequest(Number(/^Step (\d+)\./.exec(content)?.[1] ?? 0) - 1);
    const actions = /Admissible actions: (.*)$/m.exec(content)?.[1].split(', ') ?? ['up'];
    return { json: completion(`<action>${actions[content.length % actions.length]}</action>`) };
  });
});
afterAll(async () => {
  await llm?.close();
  tmp.cleanup();
});

async function rows(path: string): Promise<ReturnType<typeof plainRows>> {
  const out: ReturnType<typeof plainRows> = [];
  for await (const b of readMsgpackChunks(path)) out.push(...plainRows(b as StepBatch));
  return out;
}

const policy = () => ['--policy', 'openai', '--base-url', llm.baseURL, '--model', 'm'];

describe('gigpo rollout --env remote', () => {
  let server: ServeEnvProcess;
  beforeAll(async () => {
    server = await startServeEnv(['--env', 'sokoban', '--seed', '4']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(['openenv', 'agentgym'])('over %s writes the in-process rollout, and gigpo score takes the file', async (protocol) => {
    const out = tmp.path(`remote-${protocol}.msgpack`);
    const remote = ['--env', 'remote', '--env-url', server.url, '--protocol', protocol, '--tasks', '0-3', '--remote-env-name', 'sokoban'];
    const limits = [
      '--remote-timeout-ms',
      '20000',
      '--remote-retries',
      '2',
      '--remote-concurrency',
      '8',
      '--episode-time-ms',
      '60000',
      '--action-format',
      'raw',
    ];
    const r = await runCliAsync([
      'rollout',
      ...remote,
      ...limits,
      '--group-size',
      '2',
      '--chunk-groups',
      '3',
      ...policy(),
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ env: 'remote', groups: 4, trajectories: 8, droppedGroups: 0, envErrors: 0 });
    const inProcess = tmp.path(`local-${protocol}.msgpack`);
    const l = await runCliAsync([
      'rollout',
      '--env',
      'sokoban',
      '--seed',
      '4',
      '--groups',
      '4',
      '--group-size',
      '2',
      ...policy(),
      '--out',
      inProcess,
    ]);
    expect(l.status).toBe(0);
    const got = await rows(out);
    expect(got.length).toBeGreaterThan(8);
    expect(got).toEqual(await rows(inProcess));
    const scored = tmp.path(`remote-${protocol}-scored.msgpack`);
    const s = runCli(['score', out, '--out', scored, '--estimator', 'gigpo', '--json']);
    expect(s.stderr).toBe('');
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ rows: got.length });
    expect(existsSync(scored)).toBe(true);
  });

  const usage: [string, string[], RegExp][] = [
    [
      'a remote flag without --env remote',
      ['--env', 'sokoban', '--env-url', 'http://127.0.0.1:9'],
      /^gigpo: --env-url applies to --env remote only, not --env sokoban\n$/,
    ],
    [
      'a native policy',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', '--protocol', 'openenv'],
      /^gigpo: --env remote needs a text policy \(--policy openai or --policy llama\), not --policy random\n$/,
    ],
    ['no --env-url', ['--env', 'remote', '--protocol', 'openenv', 'POLICY'], /^gigpo: --env remote needs --env-url/],
    [
      'no --protocol',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', 'POLICY'],
      /^gigpo: --env remote needs --protocol \(openenv or agentgym\)\n$/,
    ],
    [
      '--tasks against --groups',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', '--protocol', 'agentgym', '--tasks', '0-63', '--groups', '8', 'POLICY'],
      /^gigpo: --tasks lists 64 tasks but --groups is 8: give one task per group/,
    ],
    [
      'bad --tasks',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', '--protocol', 'agentgym', '--tasks', '3-1', 'POLICY'],
      /^gigpo: --tasks: bad range "3-1"\n$/,
    ],
    [
      '--seed',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', '--protocol', 'agentgym', '--seed', '3', 'POLICY'],
      /^gigpo: --seed does not apply to --env remote: the server's seed and --tasks choose the start states\n$/,
    ],
    [
      '--option',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', '--protocol', 'agentgym', '--option', 'maxSteps=3', 'POLICY'],
      /^gigpo: --option does not apply to --env remote/,
    ],
    [
      'an unknown prompt env',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', '--protocol', 'agentgym', '--remote-env-name', 'chess', 'POLICY'],
      /^gigpo: --remote-env-name: expected 'remote' or a native env's name/,
    ],
    [
      'a bad URL',
      ['--env', 'remote', '--env-url', 'ftp://x', '--protocol', 'agentgym', 'POLICY'],
      /^gigpo: --env-url: expected an http\(s\):\/\/ URL, got "ftp:\/\/x"\n$/,
    ],
    [
      'a bad protocol',
      ['--env', 'remote', '--env-url', 'http://127.0.0.1:9', '--protocol', 'grpc', 'POLICY'],
      /argument 'grpc' is invalid\. Allowed choices are openenv, agentgym\./,
    ],
  ];
  it.each(usage)('refuses %s with a usage error (exit 2) and writes nothing', (_, args, message) => {
    const out = tmp.path('usage.jsonl');
    const r = runCli(['rollout', ...args.flatMap((a) => (a === 'POLICY' ? policy() : [a])), '--out', out]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('gigpo rollout --env remote, server killed mid-run', () => {
  it.each(['openenv', 'agentgym'])('over %s exits 1 naming the failure and leaves no file', async (protocol) => {
    const server = await startServeEnv(['--env', 'sokoban']);
    onRequest = async (step) => {
      if (step >= 2) await server.kill();
    };
    try {
      const dir = tempDir('cli-remote-killed');
      const out = dir.path('out.msgpack');
      const args = [
        'rollout',
        '--env',
        'remote',
        '--env-url',
        server.url,
        '--protocol',
        protocol,
        '--tasks',
        '0-3',
        '--group-size',
        '2',
        '--remote-retries',
        '1',
      ];
      const r = await runCliAsync([...args, '--remote-env-name', 'sokoban', ...policy(), '--out', out]);
      expect(r.stderr).toMatch(
        /^gigpo: every group was dropped: the env server failed 8 sessions; first failure: .*(connection|ECONNREFUSED|ECONNRESET|fetch failed)/,
      );
      expect(r.status).toBe(1);
      expect(dir.files()).toEqual([]); // neither the file nor its temporary
      dir.cleanup();
    } finally {
      onRequest = async () => {};
      await server.kill();
    }
  });
});
