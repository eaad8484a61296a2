// Progress bars for long commands (cli-progress), drawn on stderr only when it is a
// terminal: never when stderr is piped or redirected, and never with --json.
import { createRequire } from 'node:module';

import type cliProgressModule from 'cli-progress';

// Loaded only when a bar is drawn (it costs start-up time otherwise).
const require = createRequire(import.meta.url);

export interface Progress {
  /** `done` out of the total given to startProgress; `info` is the text after the bar. */
  update(done: number, info: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

/** Whether to draw: stderr is a TTY and the output is not machine-readable. */
export function progressWanted(json: boolean | undefined): boolean {
  return process.stderr.isTTY === true && !json;
}

/**
 * A bar over `total` units with percentage and ETA, or (total undefined, e.g. stdin) a
 * line with `info` only. A no-op unless `enabled`.
 */
export function startProgress(enabled: boolean, label: string, total: number | undefined): Progress {
  if (!enabled) return silent;
  const cliProgress = require('cli-progress') as typeof cliProgressModule;
  const known = total !== undefined && total > 0;
  const bar = new cliProgress.SingleBar(
    {
      format: known ? `${label} [{bar}] {percentage}% | {info} | ETA {eta_formatted}` : `${label} {info} | {duration_formatted}`,
      stream: process.stderr,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(known ? total : 1, 0, { info: '' });
  return {
    update(done, info) {
      bar.update(known ? Math.min(done, total) : 0, { info });
    },
    stop() {
      bar.stop();
    },
  };
}

/** 1234567 -> "1.23M". */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
