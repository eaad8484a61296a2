// The similarity ratio against Python's difflib.SequenceMatcher(None, a, b).ratio() on a
// committed fixture table (scripts/gen-difflib-fixtures.py): short pairs, long pairs with
// popular characters (the autojunk rule), lengths around |b| = 200, non-ASCII text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { similarityRatio } from '../lib/index.js';
import { referenceRatio } from './reference/difflib.js';

interface Pair {
  kind: string;
  a: string;
  b: string;
  ratio: number;
}

const fixture = JSON.parse(readFileSync(new URL('./data/difflib-ratios.json', import.meta.url), 'utf8')) as {
  python: string;
  pairs: Pair[];
};

describe('similarityRatio = difflib ratio', () => {
  it('covers the cases the issue asks for', () => {
    const pairs = fixture.pairs;
    expect(pairs.length).toBeGreaterThanOrEqual(500);
    expect(pairs.filter((p) => [...p.b].length >= 200).length).toBeGreaterThan(200);
    expect(pairs.filter((p) => /[^\p{ASCII}]/u.test(p.a + p.b)).length).toBeGreaterThan(100);
    expect(pairs.filter((p) => /[\u{10000}-\u{10ffff}]/u.test(p.a + p.b)).length).toBeGreaterThan(30);
  });

  it('native: equals Python on every fixture pair, bit for bit', () => {
    const wrong = fixture.pairs.filter((p) => similarityRatio(p.a, p.b) !== p.ratio);
    expect(wrong.map((p) => `${p.kind}: ${similarityRatio(p.a, p.b)} != ${p.ratio}`)).toEqual([]);
  });

  it('TS reference: equals Python on every fixture pair', () => {
    const wrong = fixture.pairs.filter((p) => referenceRatio(p.a, p.b) !== p.ratio);
    expect(wrong.map((p) => `${p.kind}: ${referenceRatio(p.a, p.b)} != ${p.ratio}`)).toEqual([]);
  });

  it('counts code points, not UTF-16 units or bytes', () => {
    // One emoji is one element for Python: 2·1/(1+2) with a = '😀', b = '😀a'.
    expect(similarityRatio('😀', '😀a')).toBe(2 / 3);
    expect(similarityRatio('é', 'e')).toBe(0);
    expect(similarityRatio('', '')).toBe(1);
  });

  it('rejects non-strings by name', () => {
    expect(() => similarityRatio(1 as unknown as string, 'a')).toThrow(/^a: expected a string/);
  });
});
