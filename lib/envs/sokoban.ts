// Sokoban tools beyond the env itself: the native solver and the Boxoban level reader.
import { GigpoArgumentError } from '../errors.js';
import { native, type NativeSokobanSolution } from '../native.js';

/** Sokoban action ids (the env's actions and the solver's plan entries). */
export const SOKOBAN_ACTIONS = ['up', 'down', 'left', 'right'] as const;

export interface SokobanSolveOptions {
  /**
   * Most search states the solver may store (default 1,000,000, at most 10,000,000). Memory
   * is about 50 bytes per state for 4 boxes; Boxoban's sample levels need at most ~200,000.
   */
  nodeBudget?: number;
}

export type SokobanSolution = NativeSokobanSolution;

/**
 * Solves a level given in Boxoban symbols (rows joined by '\n'; `#` wall, space floor,
 * `@` player, `$` box, `.` target, `*` box on target, `+` player on target). The plan,
 * when found, is a shortest solution in moves.
 */
export function solveSokoban(level: string, options: SokobanSolveOptions = {}): SokobanSolution {
  if (typeof level !== 'string') throw new GigpoArgumentError('level', 'expected a string');
  if (options === null || typeof options !== 'object') throw new GigpoArgumentError('options', 'expected an object');
  return native.solveSokoban(level, options);
}

/** Reads a Boxoban-format level file; returns each level's canonical text (Boxoban symbols). */
export function readBoxobanLevels(path: string): string[] {
  if (typeof path !== 'string') throw new GigpoArgumentError('path', 'expected a string');
  return native.readBoxobanLevels(path);
}
