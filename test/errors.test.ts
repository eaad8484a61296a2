// Argument errors are typed the same way everywhere: a wrong type is a TypeError
// (GigpoArgumentError from the library), a value out of range a RangeError
// (GigpoRangeError from the library, RangeError from the native env options).
import { describe, expect, it } from 'vitest';

import { BatchAssembler, createEnvBatch, GigpoArgumentError, GigpoRangeError, resolveAdvantageOptions } from '../lib/index.js';

describe('argument error types', () => {
  it('estimator options: range errors are RangeErrors, type errors TypeErrors, both naming the option', () => {
    expect(() => resolveAdvantageOptions({ gamma: 1.5 })).toThrow(GigpoRangeError);
    expect(() => resolveAdvantageOptions({ gamma: 1.5 })).toThrow(RangeError);
    expect(() => resolveAdvantageOptions({ gamma: 1.5 })).toThrow('options.gamma: must be a number in [0, 1], got 1.5');
    expect(() => resolveAdvantageOptions({ gamma: '0.9' as never })).toThrow(GigpoArgumentError);
    expect(() => resolveAdvantageOptions({ gamma: '0.9' as never })).toThrow(TypeError);
    expect(() => resolveAdvantageOptions({ epsilon: 0 })).toThrow(GigpoRangeError);
    expect(() => resolveAdvantageOptions({ anchors: { similarity: 1 } })).toThrow(GigpoRangeError);
    try {
      resolveAdvantageOptions({ invalidPenalty: -1 });
    } catch (err) {
      expect((err as GigpoRangeError).path).toBe('options.invalidPenalty');
    }
  });

  it('assembler options and seeds', () => {
    expect(() => new BatchAssembler({ multipleOf: 0 })).toThrow(GigpoRangeError);
    expect(() => new BatchAssembler({ multipleOf: 2.5 })).toThrow(GigpoArgumentError);
    expect(() => new BatchAssembler({ seed: -1 })).toThrow(GigpoRangeError);
    expect(() => new BatchAssembler({ seed: 'x' as never })).toThrow(GigpoArgumentError);
  });

  it('env options from the native code follow the same rule', () => {
    expect(() => createEnvBatch({ env: 'sokoban', numEnvs: 1, options: { dim: 3 } })).toThrow(RangeError);
    expect(() => createEnvBatch({ env: 'sokoban', numEnvs: 1, options: { dim: 'x' } })).toThrow(TypeError);
  });
});
