// Memory safety of the native bindings against hostile arguments: getters that run JavaScript
// while the binding reads its arguments (detaching the output buffer, closing the batch,
// detaching an input column), and resource requests that would exhaust memory. Every case
// must end in a clean TypeError / RangeError, or in the correct result, never in a crash.
import { describe, expect, it } from 'vitest';

import { createEnvBatch, hashStrings, listEnvs, type EnvBatch } from '../lib/index.js';
import { native } from '../lib/native.js';

const ENVS = listEnvs().map((e) => e.name);
const DETACHED = new TypeError('EnvBatch: its output arrays were transferred or detached; create a new batch');
const CLOSED = new TypeError('EnvBatch: used after close(); create a new batch');

const detach = (buffer: ArrayBufferLike): void => {
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
};

// An array of `n` copies of `text` whose element `at` runs `effect` when read.
function withGetter(n: number, text: string, at: number, effect: () => void): string[] {
  const array = new Array<string>(n).fill(text);
  Object.defineProperty(array, at, {
    get() {
      effect();
      return text;
    },
  });
  return array;
}

const someResponse = (b: EnvBatch): string => b.actionName(0, 0);

describe.each(ENVS)('%s bindings with getters that run JavaScript', (env) => {
  const n = 8;
  const make = () => createEnvBatch({ env, numEnvs: n, seed: 3 });

  it('stepText: a getter that transfers the output buffer gives a TypeError, and the outputs are gone', () => {
    const b = make();
    const text = someResponse(b);
    expect(() => b.stepText(withGetter(n, text, n - 1, () => detach(b.obsBytes.buffer)))).toThrow(DETACHED);
    expect(b.rewards.length).toBe(0);
    expect(() => b.step(new Int32Array(n))).toThrow(DETACHED);
  });

  it('stepTextAt: the same, for the subset step', () => {
    const b = make();
    const texts = withGetter(3, someResponse(b), 1, () => detach(b.rewards.buffer));
    expect(() => b.stepTextAt(new Uint32Array([5, 0, 2]), texts)).toThrow(DETACHED);
  });

  it('stepTextAt: a getter that detaches the index array gives a TypeError or RangeError naming indices', () => {
    const b = make();
    const indices = new Uint32Array([1, 2, 3]);
    const texts = withGetter(3, someResponse(b), 2, () => detach(indices.buffer));
    expect(() => b.stepTextAt(indices, texts)).toThrow(/^indices: expected length 3 \(responses\), got 0$/);
    expect(b.episodeSteps.every((s) => s === 0)).toBe(true);
  });

  it('stepText / stepTextAt / parse / parseAt: a getter that closes the batch gives a TypeError', () => {
    for (const call of [
      (b: EnvBatch) => b.stepText(withGetter(n, someResponse(b), 3, () => b.close())),
      (b: EnvBatch) =>
        b.stepTextAt(
          new Int32Array([4]),
          withGetter(1, someResponse(b), 0, () => b.close()),
        ),
      (b: EnvBatch) => b.parse(withGetter(n, someResponse(b), 0, () => b.close())),
      (b: EnvBatch) =>
        b.parseAt(
          new Int32Array([1, 6]),
          withGetter(2, someResponse(b), 1, () => b.close()),
        ),
    ]) {
      expect(() => call(make())).toThrow(CLOSED);
    }
  });

  it('parse / parseAt: they write no batch output, so a detaching getter cannot change their result', () => {
    const b = make();
    const text = someResponse(b);
    const reference = b.parse(new Array<string>(n).fill(text));
    expect(Array.from(b.parse(withGetter(n, text, 2, () => detach(b.obsBytes.buffer))))).toEqual(Array.from(reference));
    expect(Array.from(b.parseAt(new Uint32Array([7, 3]), [text, text]))).toEqual([reference[7], reference[3]]);
  });
});

describe('other bindings with getters that run JavaScript', () => {
  it('step: an actions array whose buffer was transferred reads as empty (RangeError), not freed memory', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 4 });
    const actions = new Int32Array(4);
    detach(actions.buffer);
    expect(() => b.step(actions)).toThrow(new RangeError('actions: expected length 4, got 0'));
  });

  it('drawActions: a getter that detaches an array read earlier gives a TypeError naming it, and draws nothing', () => {
    const b = createEnvBatch({ env: 'sokoban', numEnvs: 4, seed: 1 });
    const streams = native.seedActionStreams(1, 0, 4);
    const before = Array.from(streams);
    const actions = new Int32Array(4).fill(7);
    const draw = (effect: () => void) => ({
      streams,
      active: new Uint8Array(4).fill(1),
      actions,
      oracle: true,
      overAdmissible: false,
      get epsilon() {
        effect();
        return 0.5;
      },
    });
    expect(() => b.drawActions(draw(() => detach(actions.buffer)))).toThrow(
      new TypeError('draw.actions: was detached or resized while the arguments were read'),
    );
    const streams2 = native.seedActionStreams(1, 0, 4);
    const late = {
      streams: streams2,
      active: new Uint8Array(4).fill(1),
      actions: new Int32Array(4),
      oracle: false,
      overAdmissible: false,
      get epsilon() {
        detach(streams2.buffer);
        return 1;
      },
    };
    expect(() => b.drawActions(late)).toThrow(new TypeError('draw.streams: was detached or resized while the arguments were read'));
    // Untouched, the streams advance and every env gets an action; a getter that closes the batch gives the closed error.
    const out = new Int32Array(4);
    b.drawActions({ streams, active: new Uint8Array(4).fill(1), actions: out, oracle: false, overAdmissible: false, epsilon: 1 });
    expect(Array.from(streams)).not.toEqual(before);
    expect(Array.from(out).every((a) => a >= 0 && a < b.numActions)).toBe(true);
    const closing = draw(() => b.close());
    Object.defineProperty(closing, 'actions', { value: out });
    expect(() => b.drawActions(closing)).toThrow(CLOSED);
  });

  it('drawActions: bad arguments are typed errors naming the field', () => {
    const b = createEnvBatch({ env: 'numberline', numEnvs: 2 });
    const ok = {
      streams: native.seedActionStreams(0, 0, 2),
      active: new Uint8Array(2),
      actions: new Int32Array(2),
      oracle: false,
      overAdmissible: false,
      epsilon: 0,
    };
    expect(() => b.drawActions({ ...ok, streams: new Uint32Array(7) })).toThrow(new RangeError('draw.streams: expected length 8, got 7'));
    expect(() => b.drawActions({ ...ok, actions: new Uint32Array(2) as never })).toThrow(
      new TypeError('draw.actions: expected a Int32Array'),
    );
    expect(() => b.drawActions({ ...ok, epsilon: 2 })).toThrow(new RangeError('draw.epsilon: must be in [0, 1], got 2'));
    expect(() => b.drawActions({ ...ok, oracle: 1 as never })).toThrow(new TypeError('draw.oracle: expected true or false'));
    expect(() => native.seedActionStreams(-1, 0, 2)).toThrow(RangeError);
    expect(() => native.seedActionStreams(0, 0, 2 ** 25)).toThrow(
      new RangeError('count: expected an integer in [0, 16777216], got 33554432'),
    );
  });

  it('computeAdvantages: an output getter that detaches an input column gives a TypeError naming it', () => {
    const columns = {
      group: new Uint32Array([0, 0]),
      traj: new Uint32Array([0, 1]),
      step: new Uint32Array([0, 0]),
      reward: new Float32Array([1, 0]),
      valid: new Uint8Array([1, 1]),
      anchor: new BigUint64Array([1n, 1n]),
      obs: new Uint32Array([0, 0]),
      obsOffsets: new Uint32Array([0, 1]),
      obsBytes: new Uint8Array([97]),
    };
    const outputs = (effect: () => void) => ({
      returns: new Float32Array(2),
      episodeAdvantage: new Float32Array(2),
      stepAdvantage: new Float32Array(2),
      advantage: new Float32Array(2),
      get stepGroup() {
        effect();
        return new Uint32Array(2);
      },
    });
    const options = {
      estimator: 'gigpo',
      gamma: 1,
      stepWeight: 1,
      mode: 'mean_norm',
      epsilon: 1e-6,
      invalidPenalty: 0,
      episodeStats: 'trajectories',
      normalizeByLength: false,
      similarity: 0,
    };
    const call = (o: object) => native.computeAdvantages(columns as never, options as never, o as never);
    // Untouched, the call works and gives the GRPO-style answer of a two-member group.
    const ok = outputs(() => {});
    call(ok);
    expect(ok.returns[0]).toBe(1);
    const early = outputs(() => detach(columns.reward.buffer));
    expect(() => call(early)).toThrow(new TypeError('columns.reward: was detached or resized while the arguments were read'));
  });

  it('computeAdvantages: a getter that shrinks a resizable buffer under a column gives a TypeError', () => {
    // A resizable buffer (ES2024; the type library here is ES2023).
    type Resizable = ArrayBuffer & { resize(bytes: number): void };
    const buffer = new (ArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => Resizable)(8, {
      maxByteLength: 64,
    });
    const group = new Uint32Array(buffer);
    const columns = {
      get traj() {
        buffer.resize(4);
        return new Uint32Array([0, 1]);
      },
      group,
      step: new Uint32Array(2),
      reward: new Float32Array(2),
      valid: new Uint8Array([1, 1]),
      anchor: new BigUint64Array(2),
      obs: new Uint32Array(2),
      obsOffsets: new Uint32Array([0, 1]),
      obsBytes: new Uint8Array(1),
    };
    const out = {
      returns: new Float32Array(2),
      episodeAdvantage: new Float32Array(2),
      stepAdvantage: new Float32Array(2),
      advantage: new Float32Array(2),
      stepGroup: new Uint32Array(2),
    };
    const options = {
      estimator: 'grpo',
      gamma: 1,
      stepWeight: 1,
      mode: 'mean_norm',
      epsilon: 1e-6,
      invalidPenalty: 0,
      episodeStats: 'trajectories',
      normalizeByLength: false,
      similarity: 0,
    };
    expect(() => native.computeAdvantages(columns as never, options as never, out as never)).toThrow(
      new TypeError('columns.group: was detached or resized while the arguments were read'),
    );
  });

  it('hashStrings: a getter that detaches an unrelated buffer does not change the hashes', () => {
    const scratch = new Uint8Array(16);
    const strings = withGetter(4, 'abc', 2, () => detach(scratch.buffer));
    expect(Array.from(hashStrings(strings))).toEqual(Array.from(hashStrings(['abc', 'abc', 'abc', 'abc'])));
  });

  it('createEnvBatch: an options getter that throws is reported as thrown, with no batch built', () => {
    const options = Object.defineProperty({}, 'maxSteps', {
      enumerable: true,
      get() {
        throw new Error('getter says no');
      },
    });
    expect(() => createEnvBatch({ env: 'sokoban', numEnvs: 2, options })).toThrow('getter says no');
  });
});

describe('resource caps', () => {
  it('refuses batches whose memory is over the limit before allocating, naming the limit', () => {
    expect(() => createEnvBatch({ env: 'sokoban', numEnvs: 2 ** 24 })).toThrow(
      /^numEnvs: 16777216 sokoban envs need about \d+ MiB, over the batch limit of 8192 MiB \(at most \d+ envs of this kind per batch; shard larger rollouts\)$/,
    );
    expect(() => createEnvBatch({ env: 'household', numEnvs: 2 ** 22 })).toThrow(
      new RangeError('numEnvs: 4194304 envs of up to 4096 observation bytes exceed 4 GiB'),
    );
    expect(() => createEnvBatch({ env: 'shop', numEnvs: 2 ** 19 + 2 ** 18 })).toThrow(/over the batch limit of 8192 MiB/);
  });

  it('reads level files with a size limit: /dev/zero and /dev/urandom fail fast with a RangeError', () => {
    for (const device of ['/dev/zero', '/dev/urandom'])
      expect(() => createEnvBatch({ env: 'sokoban', numEnvs: 1, options: { levels: device } })).toThrow(
        new RangeError(`options.levels: cannot read '${device}': larger than the 64 MiB limit for a level file`),
      );
  });

  it('refuses a firstGroup whose groups would wrap past 2^32 - 1', () => {
    expect(() => createEnvBatch({ env: 'sokoban', numEnvs: 4, groupSize: 2, firstGroup: 2 ** 32 - 1 })).toThrow(
      new RangeError(
        'firstGroup: groups 4294967295..4294967296 do not fit group ids of 32 bits (firstGroup + numEnvs / groupSize must be <= 2^32)',
      ),
    );
    // The last representable group is fine.
    expect(createEnvBatch({ env: 'sokoban', numEnvs: 4, groupSize: 2, firstGroup: 2 ** 32 - 2 }).firstGroup).toBe(2 ** 32 - 2);
  });
});
