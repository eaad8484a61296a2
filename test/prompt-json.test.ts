// The prompt column's bytes written from parts (PromptJson, TextColumn.jsonContent) equal
// JSON.stringify of buildMessages' messages, for any text in the parts.
import { describe, expect, it } from 'vitest';

import { buildMessages, promptSpec } from '../lib/envs/prompts.js';
import { PromptJson } from '../lib/rollout/prompt-json.js';
import { TextColumn } from '../lib/rollout/text-column.js';

const ODD = [
  '',
  'plain',
  'a"b\\c',
  'line\nbreak\ttab\r\b\f',
  '\u0000\u001f\u007f',
  'é中√',
  '😀',
  '\ud800 lone',
  'end \udc00',
  '\u2028\u2029',
  'x'.repeat(5000),
];

function rowOf(col: TextColumn, r: number): string {
  return Buffer.from(col.pack(Uint32Array.of(r)).data).toString('utf8');
}

describe('TextColumn.jsonContent', () => {
  it('writes JSON.stringify(s) without its quotes, whatever s holds', () => {
    const col = new TextColumn(ODD.length, 4);
    for (const [r, s] of ODD.entries()) {
      col.jsonContent(s);
      col.endRow(r);
    }
    for (const [r, s] of ODD.entries()) expect(rowOf(col, r)).toBe(JSON.stringify(s).slice(1, -1));
  });
});

describe('PromptJson', () => {
  it('writes the JSON of buildMessages for every env, step, history and admissible list', () => {
    let r = 0;
    for (const env of ['sokoban', 'household', 'points24']) {
      const spec = promptSpec(env);
      const writer = new PromptJson(spec);
      const col = new TextColumn(1000, 16);
      for (let k = 0; k < 40; k++) {
        const pick = (j: number): string => ODD[(k * 7 + j * 3) % ODD.length];
        const history = Array.from({ length: k % 4 }, (_, j) => ({ observation: pick(j), action: pick(j + 1) }));
        const admissible = k % 3 === 0 ? [] : [pick(5), 'up', pick(6)];
        const step = k % 11;
        writer.write(col, step, pick(9), admissible, history);
        col.endRow(r);
        expect(rowOf(col, r++)).toBe(JSON.stringify(buildMessages(env, step, pick(9), admissible, history)));
      }
    }
  });
});
