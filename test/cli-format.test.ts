// How gigpo inspect prints numbers: four significant digits, trailing zeros dropped from the
// mantissa only (an exponent is never cut).
import { describe, expect, it } from 'vitest';

import { formatNumber } from '../lib/cli/inspect.js';

describe('formatNumber', () => {
  it.each([
    [-7.202e-10, '-7.202e-10'],
    [2.5e-7, '2.5e-7'],
    [1e-10 + 1e-20, '1e-10'],
    [0.25, '0.25'],
    [1 / 3, '0.3333'],
    [-1.5, '-1.5'],
    [12.3456, '12.35'],
    [7, '7'],
    [120000.5, '1.2e+5'],
  ])('%d -> %s', (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });
});
