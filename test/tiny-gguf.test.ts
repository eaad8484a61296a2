// scripts/make-tiny-gguf.mjs: the file is a GGUF that another reader (node-llama-cpp's) parses
// into the declared shape, the same seed writes the same bytes, and the vocabulary is SPM's.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';

import { CHATML_TOKENS, TINY_MODEL, tinyGgufBytes, tinyVocabulary } from '../scripts/make-tiny-gguf.mjs';
import { llamaAvailable, tinyModel } from './helpers/tiny-model.js';

const model = tinyModel(3);
afterAll(() => model.cleanup());

describe('tiny GGUF writer', () => {
  it('is reproducible per seed and about 640 KB', () => {
    const a = tinyGgufBytes({ seed: 3 });
    expect(Buffer.compare(a, readFileSync(model.path))).toBe(0);
    expect(Buffer.compare(a, tinyGgufBytes({ seed: 4 }))).not.toBe(0);
    expect(a.length).toBeGreaterThan(600_000);
    expect(a.length).toBeLessThan(680_000);
    // Header: magic "GGUF", version 3, 21 tensors (2 per model end + 9 per block), then the KV count.
    expect(a.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(a.readUInt32LE(4)).toBe(3);
    expect(Number(a.readBigUInt64LE(8))).toBe(3 + 9 * TINY_MODEL.blocks);
  });

  it('has an SPM vocabulary with byte fallback and the ChatML markers', () => {
    const v = tinyVocabulary();
    expect(v.tokens.length).toBe(392);
    expect(new Set(v.tokens).size).toBe(392);
    expect(v.tokens.slice(0, 5)).toEqual(['<unk>', '<s>', '</s>', ...CHATML_TOKENS]);
    for (let b = 0; b < 256; b++) {
      expect(v.tokens[5 + b]).toBe(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      expect(v.types[5 + b]).toBe(6);
    }
    // Every multi-character piece is reachable by pairwise merges: its prefix one shorter is a token.
    const known = new Set(v.tokens);
    for (const t of v.tokens.slice(261))
      if ([...t].length > 1) expect(known.has([...t].slice(0, -1).join('')) || known.has([...t].slice(1).join(''))).toBe(true);
  });

  it.runIf(llamaAvailable())('parses with node-llama-cpp into the declared shape', async () => {
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(model.path);
    expect(info.version).toBe(3);
    const md = info.metadata;
    expect(md.general.architecture).toBe('llama');
    expect(md.llama?.block_count).toBe(TINY_MODEL.blocks);
    expect(md.llama?.embedding_length).toBe(TINY_MODEL.embedding);
    expect(md.llama?.feed_forward_length).toBe(TINY_MODEL.feedForward);
    expect(md.tokenizer.ggml.model).toBe('llama');
    expect(md.tokenizer.ggml.tokens.length).toBe(392);
    const tensors = info.fullTensorInfo!;
    expect(tensors.length).toBe(21);
    const params = tensors.reduce((n, t) => n + t.dimensions.reduce((a: number, d) => a * Number(d), 1), 0);
    expect(params).toBe(2 * 392 * 64 + 64 + 2 * (2 * 64 + 4 * 64 * 64 + 3 * 64 * 192));
    expect(tensors.find((t) => t.name === 'blk.1.ffn_down.weight')!.dimensions.map(Number)).toEqual([192, 64]);
  });
});
