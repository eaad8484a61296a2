import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnvBatch, readBoxobanLevels } from '../lib/index.js';
import { BOXOBAN_SAMPLES, requireBoxoban, splitBoxobanFile, writeTempFile } from './helpers/sokoban.js';

describe('sokoban Boxoban levels', () => {
  it('reads and re-renders every level of the three sample files exactly', (ctx) => {
    const dir = requireBoxoban(ctx);
    let total = 0;
    for (const name of BOXOBAN_SAMPLES) {
      const path = join(dir, name);
      const expected = splitBoxobanFile(readFileSync(path, 'utf8'));
      const levels = readBoxobanLevels(path);
      expect(expected.length).toBe(1000);
      expect(levels.length).toBe(expected.length);
      for (let i = 0; i < levels.length; i++) expect(levels[i], `${name} level ${i}`).toBe(expected[i]);
      total += levels.length;
    }
    expect(total).toBe(3000);
  });

  it('plays the level picked by levelIndex, or by the level seed', (ctx) => {
    const dir = requireBoxoban(ctx);
    const path = join(dir, 'hard', '000.txt');
    const levels = readBoxobanLevels(path);
    const fixed = createEnvBatch({
      env: 'sokoban',
      numEnvs: 4,
      seed: 3,
      options: { levels: path, levelIndex: 417, symbols: 'boxoban' },
    });
    for (const obs of fixed.observations()) expect(obs).toBe(levels[417]);
    // By seed: group members share a level, groups spread over the file, reproducibly.
    const bySeed = () =>
      createEnvBatch({ env: 'sokoban', numEnvs: 64, groupSize: 4, seed: 3, options: { levels: path, symbols: 'boxoban' } });
    const a = bySeed();
    const obs = a.observations();
    const indices = new Set<number>();
    for (let g = 0; g < 16; g++) {
      const index = levels.indexOf(obs[g * 4]);
      expect(index).toBeGreaterThanOrEqual(0);
      indices.add(index);
      for (let m = 1; m < 4; m++) expect(obs[g * 4 + m]).toBe(obs[g * 4]);
    }
    expect(indices.size).toBeGreaterThan(12);
    expect(bySeed().observations()).toEqual(obs);
    // Loaded levels are 10x10 and observations in RAGEN symbols fit the declared bound.
    const ragen = createEnvBatch({ env: 'sokoban', numEnvs: 2, seed: 3, options: { levels: path } });
    expect(ragen.observation(0).split('\n').length).toBe(10);
    expect(levels).toContain(ragen.key(0).toString('utf8'));
    expect(ragen.obsLengths[0]).toBeLessThanOrEqual(10 * (3 * 10 + 1));
  });

  it('reads the level file once per batch, at creation', () => {
    const levels = ['#####\n#@$.#\n#####', '######\n#@ $.#\n######', '#######\n#@  $.#\n#######'];
    const path = writeTempFile('once.txt', levels.map((l, i) => `; ${i}\n${l}\n`).join('\n'));
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 8, seed: 4, options: { levels: path, symbols: 'boxoban' } });
    writeTempFile('once.txt', 'garbage');
    // Each level is solved by moving right 1-3 times; play many episodes through auto-resets.
    const right = new Int32Array(8).fill(3);
    const started = new Set<string>();
    let resets = 0;
    for (let s = 0; s < 200; s++) {
      b.step(right);
      for (let i = 0; i < 8; i++) {
        if (!b.resets[i]) continue;
        resets++;
        expect(levels).toContain(b.observation(i));
        started.add(b.observation(i));
      }
    }
    expect(resets).toBeGreaterThan(8 * 40);
    expect(started.size).toBe(3);
  });

  it('accepts arbitrary rectangular levels, CRLF line ends and *, + symbols', () => {
    const path = writeTempFile('mixed.txt', '; 0\r\n#######\r\n#+$ *##\r\n#######\r\n\r\n; 1\n####\n#@ #\n#$ #\n#. #\n####\n');
    expect(readBoxobanLevels(path)).toEqual(['#######\n#+$ *##\n#######', '####\n#@ #\n#$ #\n#. #\n####']);
  });
});
