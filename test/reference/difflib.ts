// Plain-TypeScript port of the similarity ratio of Python's difflib.SequenceMatcher with
// isjunk = None and autojunk on (docs/ADVANTAGES.md step 4), over code points. Test/bench baseline.

interface Match {
  i: number;
  j: number;
  size: number;
}

export class ReferenceMatcher {
  private readonly b: string[];
  private readonly b2j = new Map<string, number[]>();

  constructor(b: string) {
    this.b = Array.from(b);
    this.b.forEach((c, j) => {
      const list = this.b2j.get(c);
      if (list) list.push(j);
      else this.b2j.set(c, [j]);
    });
    // autojunk: popular elements (more than n/100 + 1 occurrences in b, n >= 200) leave the index.
    const n = this.b.length;
    if (n >= 200) {
      const limit = Math.floor(n / 100) + 1;
      for (const [c, list] of [...this.b2j]) if (list.length > limit) this.b2j.delete(c);
    }
  }

  ratio(aText: string): number {
    const a = Array.from(aText);
    const total = a.length + this.b.length;
    if (total === 0) return 1;
    let matches = 0;
    const queue: [number, number, number, number][] = [[0, a.length, 0, this.b.length]];
    while (queue.length > 0) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const { i, j, size } = this.longestMatch(a, alo, ahi, blo, bhi);
      if (size === 0) continue;
      matches += size;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + size < ahi && j + size < bhi) queue.push([i + size, ahi, j + size, bhi]);
    }
    return (2 * matches) / total;
  }

  private longestMatch(a: string[], alo: number, ahi: number, blo: number, bhi: number): Match {
    const b = this.b;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    // No junk, so the extension may cross any equal elements (the popular ones included).
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return { i: besti, j: bestj, size: bestsize };
  }
}

/** difflib.SequenceMatcher(None, a, b).ratio(). */
export function referenceRatio(a: string, b: string): number {
  return new ReferenceMatcher(b).ratio(a);
}
