// Advantage estimator options: defaults and validation (docs/ADVANTAGES.md, "Options").
import { GigpoArgumentError, valueError } from '../errors.js';

export const ESTIMATORS = ['gigpo', 'grpo', 'drgrpo', 'rloo', 'reinforce_pp_baseline', 'grpo_passk'] as const;
export type Estimator = (typeof ESTIMATORS)[number];
/** mean_norm: F_norm = 1; mean_std_norm: F_norm = std + epsilon. */
export type NormMode = 'mean_norm' | 'mean_std_norm';
/** rows: statistics over every row of a task group (the reference); trajectories: one score per trajectory (the paper). */
export type EpisodeStatsMode = 'rows' | 'trajectories';
/** exact: equal anchor hashes; similarity: difflib ratio of observation texts >= threshold. */
export type AnchorMode = 'exact' | { similarity: number };

export interface AdvantageOptions {
  /** Default `gigpo`. */
  estimator?: Estimator;
  /** Discount γ in [0, 1]; default 0.95. */
  gamma?: number;
  /** Weight ω of the step advantage; default 1. */
  stepWeight?: number;
  /** Default `mean_norm`; for `grpo_passk` `mean_std_norm` (verl's default divides pass@k by std). */
  mode?: NormMode;
  /** ε added to std; > 0, default 1e-6. */
  epsilon?: number;
  /** c subtracted from a row whose action was invalid; >= 0, default 0.1. */
  invalidPenalty?: number;
  /** Default `rows`. */
  episodeStats?: EpisodeStatsMode;
  /** Default `exact`. */
  anchors?: AnchorMode;
  /** Divide the episode score by the trajectory length; default false. */
  normalizeByLength?: boolean;
}

export type ResolvedAdvantageOptions = Required<AdvantageOptions>;

export const DEFAULT_ADVANTAGE_OPTIONS: Readonly<ResolvedAdvantageOptions> = Object.freeze({
  estimator: 'gigpo',
  gamma: 0.95,
  stepWeight: 1,
  mode: 'mean_norm',
  epsilon: 1e-6,
  invalidPenalty: 0.1,
  episodeStats: 'rows',
  anchors: 'exact',
  normalizeByLength: false,
});

const KNOWN = Object.keys(DEFAULT_ADVANTAGE_OPTIONS);

function choice<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T))
    throw new GigpoArgumentError(path, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  return value as T;
}

function finite(value: unknown, path: string, check: (x: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value))
    throw valueError(path, value, `must be ${expected}, got ${show(value)}`);
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value) ?? String(value);
  return String(value);
}

/** Fills in the defaults and checks every option; throws GigpoArgumentError naming the option. */
export function resolveAdvantageOptions(options: AdvantageOptions = {}, path = 'options'): ResolvedAdvantageOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new GigpoArgumentError(path, 'expected an object');
  for (const key of Object.keys(options))
    if (!KNOWN.includes(key)) throw new GigpoArgumentError(`${path}.${key}`, `unknown option (known: ${KNOWN.join(', ')})`);
  const o = { ...DEFAULT_ADVANTAGE_OPTIONS } as ResolvedAdvantageOptions;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) (o as Record<string, unknown>)[key] = value;

  o.estimator = choice(o.estimator, ESTIMATORS, `${path}.estimator`);
  if (options.mode === undefined && o.estimator === 'grpo_passk') o.mode = 'mean_std_norm';
  o.gamma = finite(o.gamma, `${path}.gamma`, (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
  o.stepWeight = finite(o.stepWeight, `${path}.stepWeight`, () => true, 'a finite number');
  o.mode = choice(o.mode, ['mean_norm', 'mean_std_norm'] as const, `${path}.mode`);
  o.epsilon = finite(o.epsilon, `${path}.epsilon`, (x) => x > 0, 'a number > 0');
  o.invalidPenalty = finite(o.invalidPenalty, `${path}.invalidPenalty`, (x) => x >= 0, 'a number >= 0');
  o.episodeStats = choice(o.episodeStats, ['rows', 'trajectories'] as const, `${path}.episodeStats`);
  if (typeof o.normalizeByLength !== 'boolean')
    throw new GigpoArgumentError(`${path}.normalizeByLength`, `must be a boolean, got ${show(o.normalizeByLength)}`);
  const anchors = o.anchors as unknown;
  if (anchors !== 'exact') {
    if (anchors === null || typeof anchors !== 'object' || Array.isArray(anchors) || !('similarity' in anchors))
      throw new GigpoArgumentError(`${path}.anchors`, `must be 'exact' or { similarity: θ } with 0 < θ < 1, got ${show(anchors)}`);
    const extra = Object.keys(anchors).filter((k) => k !== 'similarity');
    if (extra.length > 0) throw new GigpoArgumentError(`${path}.anchors.${extra[0]}`, 'unknown option (known: similarity)');
    const theta = finite(
      (anchors as { similarity: unknown }).similarity,
      `${path}.anchors.similarity`,
      (x) => x > 0 && x < 1,
      'a number in (0, 1)',
    );
    o.anchors = { similarity: theta };
  }
  return o;
}
