// Per-trajectory random streams for the native policies. Each stream is keyed by the
// global trajectory id, so a trajectory draws the same numbers however the rollout is
// sharded over threads or machines.
export class ActionStreams {
  private readonly state: Uint32Array;

  constructor(seed: number, firstTraj: number, count: number) {
    this.state = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(firstTraj + i + 1, 0xc2b2ae35);
      h ^= Math.floor(seed / 0x100000000) * 0x27d4eb2f;
      h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
      h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
      h ^= h >>> 16;
      this.state[i] = h >>> 0 || 0x6d2b79f5;
    }
  }

  /** Next 32-bit value of stream i (xorshift32). */
  next(i: number): number {
    let x = this.state[i];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state[i] = x >>> 0;
    return x >>> 0;
  }

  /** Uniform integer in [0, bound). */
  below(i: number, bound: number): number {
    return Math.floor((this.next(i) / 0x100000000) * bound);
  }

  /** Uniform number in [0, 1). */
  uniform(i: number): number {
    return this.next(i) / 0x100000000;
  }
}
