// V8's optimizing compiler (TurboFan) for short runs. It compiles hot functions on background
// threads; a run that ends within a few hundred milliseconds pays for those compilations (and
// Node waits for unfinished ones at exit) without running the optimized code long enough to win
// them back. `gigpo score` of JSONL, where the native parser, the kernels and the native encoder
// do the work, pauses it: a 20,000-row file scores in 162 ms instead of 186 ms, and a 1M-row one
// is no slower (bench/cli-start.ts; the figures in README). Code that does its work in
// JavaScript (msgpack chunks, lines the native parser leaves to the TypeScript path) resumes it
// before it gets hot. The flag is process-wide; resume does nothing unless pause turned it off.
import { setFlagsFromString } from 'node:v8';

let paused = false;

/** Turns the optimizing compiler off until resumeOptimizer (for a command that is usually brief). */
export function pauseOptimizer(): void {
  setFlagsFromString('--no-turbofan');
  paused = true;
}

/** Turns it back on if pauseOptimizer turned it off: the run is doing real work in JavaScript. */
export function resumeOptimizer(): void {
  if (!paused) return;
  setFlagsFromString('--turbofan');
  paused = false;
}

/** Whether the optimizing compiler is paused by pauseOptimizer. */
export function optimizerPaused(): boolean {
  return paused;
}
