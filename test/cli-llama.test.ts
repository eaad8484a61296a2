// gigpo rollout --policy llama --model FILE.gguf: a rollout on the tiny generated model from the
// command line, and the usage and input errors (no output file left behind).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { runCliAsync } from './helpers/cli.js';
import { llamaAvailable, tinyModel } from './helpers/tiny-model.js';

const model = tinyModel(4);
const dir = join(model.path, '..');
afterAll(() => model.cleanup());
const grammar = join(dir, 'actions.gbnf');
writeFileSync(grammar, 'root ::= "<action>" ("up" | "down" | "left" | "right") "</action>"\n');

describe.runIf(llamaAvailable())('gigpo rollout --policy llama', () => {
  it('plays Sokoban with the GGUF model and writes token ids and log-probs', async () => {
    const out = join(dir, 'llama.jsonl');
    const r = await runCliAsync([
      'rollout',
      '--env',
      'sokoban',
      '--groups',
      '2',
      '--group-size',
      '2',
      '--max-steps',
      '3',
      '--policy',
      'llama',
      '--model',
      model.path,
      '--grammar',
      grammar,
      '--parallel',
      '2',
      '--max-tokens',
      '32',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.policy).toBe('llama:tiny-4.gguf');
    expect(summary.invalidActionRate).toBe(0);
    const [meta, ...lines] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(meta.meta).toMatchObject({ env: 'sokoban', policy: 'llama:tiny-4.gguf' }); // the chunk's meta line
    expect(lines.length).toBe(4); // trajectories
    let rows = 0;
    for (const t of lines)
      for (const s of t.steps) {
        rows++;
        expect(s.response).toMatch(/^<action>(up|down|left|right)<\/action>$/);
        expect(s.response_ids.length).toBe(s.logprobs.length);
        expect(s.prompt_ids.length).toBeGreaterThan(100);
        for (const lp of s.logprobs) expect(lp).toBeLessThanOrEqual(0);
      }
    expect(rows).toBe(summary.rows);
  });

  it.each([
    [['--model', '/nonexistent/m.gguf'], 2, 'llama.model: no GGUF model file at "/nonexistent/m.gguf"'],
    [[], 2, '--policy llama needs --model FILE.gguf'],
    [['--model', model.path, '--grammar', '/nonexistent/g.gbnf'], 2, '--grammar: cannot read /nonexistent/g.gbnf'],
    [['--model', model.path, '--grammar', 'BAD'], 2, '--grammar: llama.grammar: is not a valid GBNF grammar'],
    [['--model', 'NOT-GGUF'], 1, 'cannot load the GGUF model'],
  ])('refuses %j with exit %i, writing nothing', async (args, status, message) => {
    const out = join(dir, `bad-${status}-${args.length}.jsonl`);
    const bad = join(dir, 'bad.gbnf');
    writeFileSync(bad, 'root ::= "x\n');
    const notGguf = join(dir, 'not.gguf');
    writeFileSync(notGguf, 'this is not a model');
    const argv = args.map((a) => (a === 'BAD' ? bad : a === 'NOT-GGUF' ? notGguf : a));
    const r = await runCliAsync(['rollout', '--policy', 'llama', ...argv, '--groups', '1', '--group-size', '1', '--out', out]);
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });
});
