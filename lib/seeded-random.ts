// The one deterministic generator of the library: SFC32, its 128-bit state expanded from a
// 64-bit seed by SplitMix64, so a seed gives the same numbers on every machine. SeededRandom
// is one stream (batch assembly); RandomStreams is many independent streams in one typed
// array: the definition of the native policies' streams (one per trajectory), which the C++
// core seeds and draws from itself (native/core/action_draw.hpp, EnvBatch.drawActions);
// test/native-action-draw.test.ts checks that both give the same draws.
import { valueError } from './errors.js';

const MASK64 = (1n << 64n) - 1n;

function splitmix64(state: { s: bigint }): bigint {
  state.s = (state.s + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Seeds the SFC32 state at words [at, at + 4) of `state` from a 64-bit seed. */
function seedState(state: Uint32Array, at: number, seed: bigint): void {
  const s = { s: seed };
  const x = splitmix64(s);
  const y = splitmix64(s);
  state[at] = Number(x & 0xffffffffn);
  state[at + 1] = Number(x >> 32n);
  state[at + 2] = Number(y & 0xffffffffn);
  state[at + 3] = 1;
  for (let i = 0; i < 12; i++) nextWord(state, at);
}

/** One SFC32 step of the state at words [at, at + 4): a uniform 32-bit unsigned integer. */
function nextWord(state: Uint32Array, at: number): number {
  const a = state[at];
  const b = state[at + 1];
  const c = state[at + 2];
  const d = state[at + 3];
  const t = (((a + b) | 0) + d) | 0;
  state[at + 3] = (d + 1) | 0;
  state[at] = b ^ (b >>> 9);
  state[at + 1] = (c + (c << 3)) | 0;
  state[at + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

function checkSeed(seed: number | bigint, path: string): bigint {
  if (typeof seed === 'number' ? !Number.isSafeInteger(seed) || seed < 0 : typeof seed !== 'bigint' || seed < 0n || seed > MASK64)
    throw valueError(
      path,
      Number.isInteger(seed) || typeof seed === 'bigint' ? seed : undefined,
      `expected a non-negative safe integer or a BigInt below 2^64, got ${String(seed)}`,
    );
  return BigInt(seed);
}

export class SeededRandom {
  private readonly state = new Uint32Array(4);

  constructor(seed: number | bigint, path = 'seed') {
    seedState(this.state, 0, checkSeed(seed, path));
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    return nextWord(this.state, 0);
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

/**
 * `count` independent streams; stream i is keyed by (seed, first + i), so a keyed stream
 * draws the same numbers whichever object holds it (a trajectory's actions do not depend
 * on how a rollout is sharded over threads or machines).
 */
export class RandomStreams {
  private readonly state: Uint32Array;

  constructor(seed: number | bigint, first: number, count: number, path = 'seed') {
    const base = checkSeed(seed, path);
    this.state = new Uint32Array(4 * count);
    // Stream keys mix the seed and the index through SplitMix64's odd multiplier, so
    // neighbouring seeds and indices start far apart.
    for (let i = 0; i < count; i++) seedState(this.state, 4 * i, (base ^ (BigInt(first + i + 1) * 0xd1b54a32d192ed03n)) & MASK64);
  }

  /** Next 32-bit value of stream i. */
  next(i: number): number {
    return nextWord(this.state, 4 * i);
  }

  /** Uniform integer in [0, bound) from stream i (bound <= 2^32). */
  below(i: number, bound: number): number {
    return Math.floor((this.next(i) / 0x100000000) * bound);
  }

  /** Uniform number in [0, 1) from stream i. */
  uniform(i: number): number {
    return this.next(i) / 0x100000000;
  }
}
