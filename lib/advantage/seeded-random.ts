// A small deterministic generator for batch assembly: SplitMix64 expands the seed into
// the state of SFC32, so a seed gives the same choices on every machine.
import { GigpoArgumentError } from '../errors.js';

const MASK64 = (1n << 64n) - 1n;

function splitmix64(state: { s: bigint }): bigint {
  state.s = (state.s + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | bigint, path = 'seed') {
    if (typeof seed === 'number' ? !Number.isSafeInteger(seed) || seed < 0 : typeof seed !== 'bigint' || seed < 0n || seed > MASK64)
      throw new GigpoArgumentError(path, `expected a non-negative safe integer or a BigInt below 2^64, got ${String(seed)}`);
    const state = { s: BigInt(seed) };
    const x = splitmix64(state);
    const y = splitmix64(state);
    this.a = Number(x & 0xffffffffn);
    this.b = Number(x >> 32n);
    this.c = Number(y & 0xffffffffn);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.float() * bound);
  }

  /** `count` distinct indices of [0, n), in random order (a partial Fisher-Yates shuffle). */
  sample(n: number, count: number): Uint32Array {
    const pool = new Uint32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + this.below(n - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, count);
  }
}
