// Two JSONL rollouts of the same run (local and distributed, or resumed): every row line is the
// same text, and the meta lines sit in the same places and differ only in timings, which a
// distributed run does not measure (README, "Distributed rollouts").
import { expect } from 'vitest';

const TIMING_METRICS = ['seconds', 'stepsPerSecond', 'policyLatencyP50Ms', 'policyLatencyP99Ms'];

/** A meta line's meta without its timings. */
function untimed(line: string): unknown {
  const { meta } = JSON.parse(line) as { meta: Record<string, unknown> & { metrics: Record<string, unknown> } };
  const { policyLatenciesMs: _, metrics, ...rest } = meta;
  const kept = Object.fromEntries(Object.entries(metrics).filter(([k]) => !TIMING_METRICS.includes(k)));
  return { ...rest, metrics: kept };
}

export function expectSameRolloutJsonl(actual: string, expected: string): void {
  const a = actual.split('\n');
  const e = expected.split('\n');
  expect(a.length).toBe(e.length);
  const isMeta = (l: string) => l.startsWith('{"meta":');
  expect(a.map(isMeta)).toEqual(e.map(isMeta));
  expect(a.filter(isMeta).length).toBeGreaterThan(0);
  for (let i = 0; i < a.length; i++) {
    if (isMeta(e[i])) expect(untimed(a[i]), `line ${i + 1}`).toEqual(untimed(e[i]));
    else if (a[i] !== e[i]) expect(a[i], `line ${i + 1}`).toBe(e[i]);
  }
}
