// gigpo score keeps every column its input had: an LLM rollout (prompt, response, token ids,
// log-probs, done/truncated) stays trainable after scoring, JSONL -> JSONL and JSONL -> msgpack.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { readMsgpackChunks, raggedText } from '../lib/index.js';
import { runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('score-columns');
afterAll(() => tmp.cleanup());

/** Two groups of two trajectories as `gigpo rollout --policy openai` writes them. */
function llmRollout(): { group: number; traj: number; steps: Record<string, unknown>[] }[] {
  const out = [];
  for (let g = 0; g < 2; g++)
    for (let t = 0; t < 2; t++) {
      const traj = 2 * g + t;
      const steps = [0, 1].map((s) => ({
        obs: `room ${g} step ${s}`,
        action: s === 0 ? 'left' : 'up',
        reward: s === 1 && t === 0 ? 1 : 0,
        valid: true,
        done: s === 1 && t === 0,
        truncated: s === 1 && t === 1,
        prompt: JSON.stringify([{ role: 'user', content: `room ${g} step ${s} (traj ${traj})` }]),
        response: `<action>${s === 0 ? 'left' : 'up'}</action> ${traj}`,
        prompt_ids: [100 + traj, 200 + s],
        response_ids: [300 + traj, 400 + s, 500],
        logprobs: [-0.5, -0.25 * (s + 1), -1 - traj],
      }));
      out.push({ group: g, traj, steps });
    }
  return out;
}

describe('gigpo score keeps the input columns', () => {
  const input = llmRollout();
  const path = join(tmp.dir, 'llm.jsonl');
  writeFileSync(path, input.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const expected = input.flatMap((t) => t.steps);

  it('JSONL -> JSONL: prompt, response, prompt_ids, response_ids, logprobs, done, truncated', () => {
    const out = join(tmp.dir, 'scored.jsonl');
    const r = runCli(['score', path, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const steps = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .flatMap((l) => JSON.parse(l).steps as Record<string, unknown>[]);
    expect(steps.length).toBe(expected.length);
    for (let i = 0; i < steps.length; i++) {
      for (const key of ['prompt', 'response', 'prompt_ids', 'response_ids', 'done', 'truncated'])
        expect(steps[i][key], `row ${i} ${key}`).toEqual(expected[i][key]);
      expect((steps[i].logprobs as number[]).map((x) => Math.fround(x))).toEqual(
        (expected[i].logprobs as number[]).map((x) => Math.fround(x)),
      );
      expect(typeof steps[i].advantage).toBe('number');
    }
  });

  it('JSONL -> msgpack: the same columns, row for row', async () => {
    const out = join(tmp.dir, 'scored.msgpack');
    const r = runCli(['score', path, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    let row = 0;
    for await (const b of readMsgpackChunks(out)) {
      expect(b.scores).toBeDefined();
      for (let i = 0; i < b.numRows; i++, row++) {
        const want = expected[row];
        expect(raggedText(b.prompt!, i)).toBe(want.prompt);
        expect(raggedText(b.response!, i)).toBe(want.response);
        const slice = (c: { offsets: Uint32Array; data: Int32Array | Float32Array }) =>
          Array.from(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
        expect(slice(b.promptIds!)).toEqual(want.prompt_ids);
        expect(slice(b.responseIds!)).toEqual(want.response_ids);
        expect(slice(b.logprobs!)).toEqual((want.logprobs as number[]).map((x) => Math.fround(x)));
        expect(b.done[i]).toBe(want.done ? 1 : 0);
        expect(b.truncated[i]).toBe(want.truncated ? 1 : 0);
      }
    }
    expect(row).toBe(expected.length);
  });

  it('rejects a malformed token list naming the line and field', () => {
    const bad = join(tmp.dir, 'bad.jsonl');
    writeFileSync(bad, `{"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_ids":[1,"x"]}]}\n`);
    const r = runCli(['score', bad, '--out', join(tmp.dir, 'bad-out.jsonl')]);
    expect(r.stderr).toBe(`gigpo: ${bad}:1: steps[0].response_ids[1]: expected a 32-bit integer, got "x"\n`);
    expect(r.status).toBe(1);
  });
});
