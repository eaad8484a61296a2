// Interns observations by their 64-bit anchor hash without allocating per lookup: an
// open-addressing table over the hash's two 32-bit halves, read straight from the
// batch's BigUint64Array memory. The anchor is the hash of the canonical state and the
// observation is a function of that state, so one anchor = one observation text.
export class InternTable {
  private keysLo: Uint32Array;
  private keysHi: Uint32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keysLo = new Uint32Array(cap);
    this.keysHi = new Uint32Array(cap);
    this.values = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  /** The index stored for (lo, hi), or -1. */
  get(lo: number, hi: number): number {
    let slot = this.slot(lo, hi);
    for (;;) {
      const v = this.values[slot];
      if (v < 0) return -1;
      if (this.keysLo[slot] === lo && this.keysHi[slot] === hi) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores `value` for a key that is not present. */
  add(lo: number, hi: number, value: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    this.place(lo, hi, value);
    this.size++;
  }

  private slot(lo: number, hi: number): number {
    // The key is already a strong hash; fold the halves and spread a little.
    return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
  }

  private place(lo: number, hi: number, value: number): void {
    let slot = this.slot(lo, hi);
    while (this.values[slot] >= 0) slot = (slot + 1) & this.mask;
    this.keysLo[slot] = lo;
    this.keysHi[slot] = hi;
    this.values[slot] = value;
  }

  private grow(): void {
    const { keysLo, keysHi, values } = this;
    const cap = values.length * 2;
    this.keysLo = new Uint32Array(cap);
    this.keysHi = new Uint32Array(cap);
    this.values = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let s = 0; s < values.length; s++) if (values[s] >= 0) this.place(keysLo[s], keysHi[s], values[s]);
  }
}
