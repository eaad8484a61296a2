// llamaPolicy on the tiny generated GGUF through node-llama-cpp: real tokenization, sampling,
// token ids and log-probs; rollouts; seeded determinism whatever the parallelism; grammar;
// context overflow; cancellation; the typed error when the package is missing.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildMessages,
  GigpoArgumentError,
  GigpoRangeError,
  raggedText,
  llamaPolicy,
  PolicyRequestError,
  RolloutEngine,
  type LlamaPolicy,
  type LlamaPolicyOptions,
  type PolicyRequest,
  type RolloutMeta,
} from '../lib/index.js';
import { projectRoot } from './helpers/cli.js';
import { llamaAvailable, tinyModel } from './helpers/tiny-model.js';

const ACTIONS = 'root ::= "<action>" ("up" | "down" | "left" | "right") "</action>"';
const model = tinyModel(1);
const policies: LlamaPolicy[] = [];
const make = (o: Partial<Parameters<typeof llamaPolicy>[0]> = {}): LlamaPolicy => {
  const p = llamaPolicy({ model: model.path, maxTokens: 24, seed: 5, ...o });
  policies.push(p);
  return p;
};
afterAll(async () => {
  for (const p of policies) await p.close();
  model.cleanup();
});

function requests(n: number): PolicyRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    group: i >> 1,
    traj: i,
    step: i % 3,
    messages: buildMessages('sokoban', i % 3, `#####\n#@$.#\n##### (${i})`, ['up', 'down', 'left', 'right'], []),
  }));
}

describe('llamaPolicy options', () => {
  it.each([
    [{ model: '/nonexistent/x.gguf' }, 'llama.model: no GGUF model file at "/nonexistent/x.gguf"'],
    [{ model: '' }, 'llama.model: must be a non-empty string'],
    [{ parallel: 0 }, 'llama.parallel: must be an integer in [1, 256], got 0'],
    [{ temperature: -1 }, 'llama.temperature: must be a finite number >= 0, got -1'],
    [{ topP: 0 }, 'llama.topP: must be a number in (0, 1], got 0'],
    [{ threads: 1.5 }, 'llama.threads: must be an integer in [1, 256], got 1.5'],
    [{ stop: [''] }, 'llama.stop: must be an array of non-empty strings'],
  ])('rejects %o', (o, message) => {
    // A number out of its range is a GigpoRangeError (RangeError); a wrong type, NaN or a
    // fraction where an integer is wanted is a GigpoArgumentError (TypeError).
    const v = Object.values(o).at(-1);
    const range =
      typeof v === 'number' &&
      !Number.isNaN(v) &&
      /must be (an integer|a number|a finite number)/.test(message) &&
      (Number.isInteger(v) || !message.includes('an integer'));
    expect(() => llamaPolicy({ model: model.path, ...o } as LlamaPolicyOptions)).toThrow(range ? GigpoRangeError : GigpoArgumentError);
    expect(() => llamaPolicy({ model: model.path, ...o } as LlamaPolicyOptions)).toThrow(message);
  });
});

describe.runIf(llamaAvailable())('llamaPolicy on the tiny GGUF', () => {
  let policy: LlamaPolicy;
  beforeAll(async () => {
    policy = make({ parallel: 4 });
    await policy.load();
  });

  it('answers with prompt ids, response ids that detokenize to the text, and log-probs <= 0', async () => {
    const reqs = requests(6);
    const out = await policy.act(reqs);
    expect(out.length).toBe(6);
    for (let k = 0; k < out.length; k++) {
      const r = out[k];
      expect(Array.from(r.promptIds!)).toEqual(Array.from(await policy.tokens.chatPromptIds(reqs[k].messages)));
      expect(r.responseIds!.length).toBeGreaterThan(0);
      expect(r.responseIds!.length).toBeLessThanOrEqual(24);
      expect(await policy.tokens.detokenize(r.responseIds!)).toBe(r.text);
      expect(r.logprobs!.length).toBe(r.responseIds!.length);
      for (const lp of Array.from(r.logprobs!)) {
        expect(Number.isFinite(lp)).toBe(true);
        expect(lp).toBeLessThanOrEqual(0);
      }
    }
    // The prompt is the model's ChatML template: BOS, the system turn first, the open assistant turn last.
    const text = await policy.tokens.detokenize(out[0].promptIds!);
    expect(text.startsWith('<|im_start|>system\n') || text.startsWith('<s><|im_start|>system\n')).toBe(false); // specials are not text
    const head = await policy.tokens.tokenize('<|im_start|>system\n', { addSpecial: true });
    expect(Array.from(out[0].promptIds!).slice(0, head.length)).toEqual(Array.from(head));
    const tail = await policy.tokens.tokenize('<|im_start|>assistant\n', { addSpecial: false });
    expect(Array.from(out[0].promptIds!).slice(-tail.length)).toEqual(Array.from(tail));
  });

  it('samples the same for the same seed in any request order (parallel 1, no prefix cache), otherwise for another seed', async () => {
    // llama.cpp's batched arithmetic differs in the last bits with how tokens were batched, so
    // exact repeats need every prompt evaluated alone and whole.
    const reqs = requests(6);
    const exact = make({ parallel: 1, prefixCache: false });
    const a = await exact.act(reqs);
    const b: typeof a = [];
    for (const r of [...reqs].reverse()) b.unshift((await exact.act([r]))[0]);
    expect(b.map((r) => Array.from(r.responseIds!))).toEqual(a.map((r) => Array.from(r.responseIds!)));
    expect(b.map((r) => Array.from(r.logprobs!))).toEqual(a.map((r) => Array.from(r.logprobs!)));
    // With the prefix cache and 4 sequences the first log-probs agree up to float noise.
    const cached = await policy.act(reqs);
    for (let k = 0; k < 6; k++) {
      const n = Math.min(cached[k].logprobs!.length, a[k].logprobs!.length);
      if (cached[k].responseIds![0] === a[k].responseIds![0])
        expect(Math.abs(cached[k].logprobs![0] - a[k].logprobs![0])).toBeLessThan(0.05);
      expect(n).toBeGreaterThan(0);
    }
    const other = await make({ seed: 6, parallel: 1, prefixCache: false }).act(reqs);
    expect(other.map((r) => r.text)).not.toEqual(a.map((r) => r.text));
  });

  it('greedy decoding (temperature 0) is deterministic', async () => {
    const greedy = make({ temperature: 0 });
    const [x] = await greedy.act(requests(1));
    const [y] = await greedy.act(requests(1));
    expect(Array.from(y.responseIds!)).toEqual(Array.from(x.responseIds!));
    // Greedy: every token is the most likely one, and its log-prob is the model's own (< 0, not 0).
    for (const lp of Array.from(x.logprobs!)) expect(lp).toBeLessThan(0);
  });

  it("samples at most each request's maxTokens (the env's answer budget) unless the policy has its own", async () => {
    // One sequence and no prefix cache: the same (seed, traj, step) samples the same tokens bit for bit.
    const exact = { parallel: 1, prefixCache: false, stop: ['never-generated-stop'] };
    const budgeted = make({ ...exact, maxTokens: undefined });
    const [req] = requests(1);
    const [five] = await budgeted.act([{ ...req, maxTokens: 5 }]);
    const [forty] = await budgeted.act([{ ...req, maxTokens: 40 }]);
    expect(five.responseIds!.length).toBe(5);
    expect(forty.responseIds!.length).toBeGreaterThan(5);
    expect(Array.from(forty.responseIds!).slice(0, 5)).toEqual(Array.from(five.responseIds!));
    // The policy's own maxTokens wins over the request's.
    const [three] = await make({ ...exact, maxTokens: 3 }).act([{ ...req, maxTokens: 40 }]);
    expect(Array.from(three.responseIds!)).toEqual(Array.from(five.responseIds!).slice(0, 3));
    // The token-id path (promptMode 'conversation') takes the request's budget too.
    const promptIds = await budgeted.tokens.chatPromptIds(req.messages);
    const fromIds = await budgeted.tokens.completeIds({ group: req.group, traj: req.traj, step: req.step, promptIds, maxTokens: 5 });
    expect(Array.from(fromIds.responseIds!)).toEqual(Array.from(five.responseIds!));
    // In a rollout every request carries its env's budget (numberline: 128 tokens, `gigpo envs`).
    const batch = await new RolloutEngine().collect({ env: 'numberline', groups: 1, groupSize: 2, maxSteps: 1, seed: 3, policy: budgeted });
    const lengths = Array.from({ length: batch.numRows }, (_, r) => batch.responseIds!.offsets[r + 1] - batch.responseIds!.offsets[r]);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(128);
    await expect(budgeted.act([{ ...req, maxTokens: 0 }])).rejects.toThrow('request.maxTokens: must be an integer in [1, 1048576], got 0');
  });

  it('a grammar keeps every answer a valid action, and generation stops after </action>', async () => {
    const constrained = make({ grammar: ACTIONS, parallel: 2, maxTokens: 64 });
    const out = await constrained.act(requests(4));
    for (const r of out) expect(r.text).toMatch(/^<action>(up|down|left|right)<\/action>$/);
    const batch = await new RolloutEngine().collect({ env: 'sokoban', groups: 2, groupSize: 2, maxSteps: 3, seed: 2, policy: constrained });
    expect(batch.numRows).toBeGreaterThanOrEqual(4);
    expect(batch.numRows).toBeLessThanOrEqual(12);
    const m = (batch.meta as unknown as RolloutMeta).metrics;
    expect(m.invalidActionRate).toBe(0);
    expect(batch.responseIds!.offsets.length).toBe(batch.numRows + 1);
  });

  it('runs a Sokoban rollout, recording every row with ids and log-probs', async () => {
    const batch = await new RolloutEngine().collect({ env: 'sokoban', groups: 2, groupSize: 2, maxSteps: 3, seed: 9, policy });
    expect(batch.numRows).toBeGreaterThanOrEqual(4);

    for (let r = 0; r < batch.numRows; r++) {
      const ids = batch.responseIds!.data.subarray(batch.responseIds!.offsets[r], batch.responseIds!.offsets[r + 1]);
      const lps = batch.logprobs!.data.subarray(batch.logprobs!.offsets[r], batch.logprobs!.offsets[r + 1]);
      expect(ids.length).toBe(lps.length);
      expect(await policy.tokens.detokenize(ids)).toBe(raggedText(batch.response!, r));
      for (const lp of lps) expect(lp).toBeLessThanOrEqual(0);
    }
  });

  it('completes from token ids, continuing a conversation without re-encoding what was sampled', async () => {
    const first = await policy.tokens.tokenize('<|im_start|>user\nGo.<|im_end|>\n<|im_start|>assistant\n', { addSpecial: true });
    const a = await policy.tokens.completeIds({ group: 0, traj: 0, step: 0, promptIds: first });
    expect(Array.from(a.promptIds!)).toEqual(Array.from(first));
    const turn = await policy.tokens.tokenize('<|im_end|>\n<|im_start|>user\nAgain.<|im_end|>\n<|im_start|>assistant\n', {
      addSpecial: false,
    });
    const second = Int32Array.from([...first, ...Array.from(a.responseIds!), ...turn]);
    const b = await policy.tokens.completeIds({ group: 0, traj: 0, step: 1, promptIds: second });
    expect(Array.from(b.promptIds!).slice(0, first.length + a.responseIds!.length)).toEqual([...first, ...Array.from(a.responseIds!)]);
    expect(b.logprobs!.length).toBe(b.responseIds!.length);
    // Per-request sampling: the same sampler seed gives the same answer.
    const s1 = await policy.tokens.completeIds({ group: 0, traj: 1, step: 0, promptIds: first, sampling: { seed: 42, maxTokens: 8 } });
    const s2 = await policy.tokens.completeIds({ group: 0, traj: 2, step: 5, promptIds: first, sampling: { seed: 42, maxTokens: 8 } });
    expect(Array.from(s2.responseIds!)).toEqual(Array.from(s1.responseIds!));
    expect(s1.responseIds!.length).toBeLessThanOrEqual(8);
    await expect(policy.tokens.completeIds({ group: 0, traj: 0, step: 0, promptIds: [1, 99999] })).rejects.toThrow(
      'request.promptIds[1]: expected a token id in [0, 392), got 99999',
    );
  });

  it('refuses a prompt longer than the context with a context-length error naming the step', async () => {
    const small = make({ contextSize: 64 });
    const err = await small.act(requests(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyRequestError);
    expect((err as PolicyRequestError).kind).toBe('context-length');
    expect((err as Error).message).toMatch(/group 0, traj 0, step 0 .*prompt of \d+ tokens does not fit the context of \d+ tokens/);
  });

  it('stops generating when the signal fires', async () => {
    const slow = make({ maxTokens: 4000, stop: ['never-generated-stop'] });
    const controller = new AbortController();
    const pending = slow.act(requests(2), controller.signal);
    setTimeout(() => controller.abort(new Error('enough')), 30);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('llamaPolicy without node-llama-cpp', () => {
  it('rejects with a GigpoDependencyError naming the package', () => {
    // A resolve hook that hides the package, as on a machine where the optional install failed.
    const hook = `data:text/javascript,${encodeURIComponent(
      "export async function resolve(s, c, next) { if (s === 'node-llama-cpp') { const e = new Error(\"Cannot find package 'node-llama-cpp'\"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; } return next(s, c); }",
    )}`;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(hook)});
      const { llamaPolicy } = await import('./dist/lib/index.js');
      try { await llamaPolicy({ model: ${JSON.stringify(model.path)} }).load(); console.log('loaded'); }
      catch (e) { console.log(e.name + '|' + e.packageName + '|' + e.message); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
    const [name, pkg, message] = r.stdout.trim().split('|');
    expect(name).toBe('GigpoDependencyError');
    expect(pkg).toBe('node-llama-cpp');
    expect(message).toContain('optional package node-llama-cpp');
    expect(message).toContain('npm install node-llama-cpp');
  });
});
