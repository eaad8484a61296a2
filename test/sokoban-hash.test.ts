import { describe, expect, it } from 'vitest';
import { createEnvBatch, hashStrings } from '../lib/index.js';
import { actionStream } from './helpers/sokoban.js';

const RAGEN_TO_BOXOBAN: Record<string, string> = { _: ' ', O: '.', X: '$', '√': '*', P: '@', S: '+', '#': '#', '\n': '\n' };

describe('sokoban anchors', () => {
  it('hashes the key: anchor == hashStrings([key]), equal keys <=> equal hashes over 20k states', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 64, groupSize: 4, seed: 2024, options: { numBoxes: 2 } });
    const next = actionStream(99);
    const actions = new Int32Array(b.numEnvs);
    const hashOfKey = new Map<string, bigint>();
    const keyOfHash = new Map<bigint, string>();
    let states = 0;
    while (states < 20_000) {
      const keys = Array.from({ length: b.numEnvs }, (_, i) => b.key(i).toString('utf8'));
      const expected = hashStrings(keys);
      for (let i = 0; i < b.numEnvs; i++) {
        expect(b.anchors[i]).toBe(expected[i]);
        const h = b.anchors[i];
        if (hashOfKey.has(keys[i])) expect(hashOfKey.get(keys[i])).toBe(h);
        else hashOfKey.set(keys[i], h);
        if (keyOfHash.has(h)) expect(keyOfHash.get(h)).toBe(keys[i]);
        else keyOfHash.set(h, keys[i]);
      }
      states += b.numEnvs;
      for (let i = 0; i < b.numEnvs; i++) actions[i] = next();
      b.step(actions);
    }
    // Many distinct states, and the two maps are each other's inverse.
    expect(hashOfKey.size).toBeGreaterThan(2000);
    expect(keyOfHash.size).toBe(hashOfKey.size);
  });

  it('gives the same anchors in both symbol sets; the key is the Boxoban rendering', () => {
    const make = (symbols: string) =>
      createEnvBatch({ env: 'sokoban', numEnvs: 32, groupSize: 2, seed: 31, options: { symbols, dim: 7, numBoxes: 2 } });
    const ragen = make('ragen');
    const boxoban = make('boxoban');
    const next = actionStream(7);
    const actions = new Int32Array(32);
    for (let step = 0; step < 50; step++) {
      expect(Array.from(ragen.anchors)).toEqual(Array.from(boxoban.anchors));
      for (let i = 0; i < 32; i++) {
        const r = ragen.observation(i);
        const translated = [...r].map((ch) => RAGEN_TO_BOXOBAN[ch]).join('');
        expect(translated).toBe(boxoban.observation(i));
        expect(ragen.key(i).toString('utf8')).toBe(boxoban.observation(i));
        expect(boxoban.key(i).toString('utf8')).toBe(boxoban.observation(i));
      }
      for (let i = 0; i < 32; i++) actions[i] = next();
      ragen.step(actions);
      boxoban.step(actions);
      expect(Array.from(ragen.rewards)).toEqual(Array.from(boxoban.rewards));
    }
  });
});
