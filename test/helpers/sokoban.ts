// Shared fixtures of the Sokoban tests: temporary level files and the Boxoban sample data.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

let tempDir: string | undefined;

/** Writes `contents` to a file in a per-process temp dir and returns its path. */
export function writeTempFile(name: string, contents: string): string {
  tempDir ??= mkdtempSync(join(tmpdir(), 'gigpo-sokoban-'));
  const path = join(tempDir, name);
  writeFileSync(path, contents);
  return path;
}

/** A Boxoban-format file holding `levels` (each rows joined by '\n'). */
export function writeLevelFile(name: string, levels: readonly string[]): string {
  return writeTempFile(name, levels.map((level, i) => `; ${i}\n${level}\n`).join('\n'));
}

/** The Boxoban sample data: $GIGPO_BOXOBAN_DIR, else <project root>/../shared/data/boxoban. */
export function boxobanDir(): string | undefined {
  const candidates = [process.env.GIGPO_BOXOBAN_DIR, join(projectRoot, '..', 'shared', 'data', 'boxoban')];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'medium', 'train', '000.txt')));
}

export const BOXOBAN_SAMPLES = ['unfiltered/test/000.txt', 'medium/train/000.txt', 'hard/000.txt'];

/**
 * The sample data dir, or: skip this test with a loud warning (fail under CI=true, where
 * the data must be present).
 */
export function requireBoxoban(ctx: { skip: (note?: string) => never }): string {
  const dir = boxobanDir();
  if (dir) return dir;
  const message = 'Boxoban sample data not found: set GIGPO_BOXOBAN_DIR or place it at <project root>/../shared/data/boxoban';
  if (process.env.CI === 'true') throw new Error(message + ' (required when CI=true)');
  console.warn(`\n*** SKIPPING: ${message} ***\n`);
  return ctx.skip(message);
}

/** Splits a Boxoban file into its levels' texts, independently of the native reader. */
export function splitBoxobanFile(text: string): string[] {
  const levels: string[] = [];
  let rows: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(';')) {
      if (rows) levels.push(rows.join('\n'));
      rows = [];
    } else if (line === '') {
      if (rows) levels.push(rows.join('\n'));
      rows = undefined;
    } else {
      rows?.push(line);
    }
  }
  if (rows) levels.push(rows.join('\n'));
  return levels;
}

/** A small deterministic action stream (an LCG), independent of the engine's generators. */
export function actionStream(seed: number, numActions = 4): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 16) % numActions;
  };
}
