// The one module that loads the native addon. Everything else imports from here.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the installed package (this file lives in dist/lib/ or lib/). */
export const packageRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const require = createRequire(join(dir, 'x.js'));
    try {
      const pkg = require('./package.json') as { name?: string };
      if (pkg.name === 'gigpo-engine') return dir;
    } catch {
      // not here; look one folder up
    }
    dir = dirname(dir);
  }
  throw new Error('gigpo-engine: cannot locate the package root from ' + fileURLToPath(import.meta.url));
})();

export interface NativeEnvOptionInfo {
  name: string;
  kind: 'integer' | 'number' | 'boolean' | 'string';
  /** The default under profile 'native'; null when there is none or it is derived (see defaultNote). */
  default: number | boolean | string | null;
  description: string;
  /** Integer and number options: the inclusive range. */
  min?: number;
  max?: number;
  /** String options with a fixed set of values. */
  choices?: string[];
  /** The default under profile 'verl-agent', where it differs. */
  verlAgentDefault?: number | boolean | string;
  /** A default derived from other options, in words. */
  defaultNote?: string;
}

export interface NativeEnvProfileInfo {
  name: 'native' | 'verl-agent';
  /** An episode that ends by the env's rules with a last reward >= this succeeded. */
  successReward: number;
  /** Whether the observation lists the admissible actions itself. */
  observationListsActions: boolean;
  /** verl-agent: what the profile reproduces. */
  reference?: string;
}

export interface NativeEnvInfo {
  name: string;
  description: string;
  /** What the agent is doing and the rules that matter (the prompts' task text). */
  task: string;
  successReward: number;
  observationListsActions: boolean;
  options: NativeEnvOptionInfo[];
  profiles: NativeEnvProfileInfo[];
}

export interface NativeBatchShape {
  env: string;
  numEnvs: number;
  groupSize: number;
  firstGroup: number;
  maxSteps: number;
  numActions: number;
  maxObsBytes: number;
  hasOracle: boolean;
}

export interface NativeBatchOutputs {
  reward: Float32Array;
  done: Uint8Array;
  truncated: Uint8Array;
  valid: Uint8Array;
  reset: Uint8Array;
  episodeStep: Uint32Array;
  anchor: BigUint64Array;
  stateAnchor: BigUint64Array;
  obsLengths: Uint32Array;
  obsBytes: Uint8Array;
}

export type EnvOptionValue = number | boolean | string;

export interface NativeEnvBatch {
  /** The output arrays (one ArrayBuffer), an own read-only property of the native object. */
  readonly outputs: NativeBatchOutputs;
  shape(): NativeBatchShape;
  reset(seed: number | bigint): void;
  step(actions: Int32Array): void;
  stepText(responses: ReadonlyArray<string | null | undefined>): void;
  stepAt(indices: Int32Array | Uint32Array, actions: Int32Array): void;
  stepTextAt(indices: Int32Array | Uint32Array, responses: readonly string[]): void;
  resetAt(indices: Int32Array | Uint32Array, groups: Uint32Array, members: Uint32Array): void;
  parse(responses: readonly string[]): Int32Array;
  key(env: number): Buffer;
  actionName(env: number, action: number): string;
  admissibleActions(env: number): Int32Array;
  oracleActions(): Int32Array;
  drawActions(draw: NativeActionDraw): void;
  parseAt(indices: Int32Array | Uint32Array, responses: readonly string[]): Int32Array;
  parseOne(env: number, response: string): number;
  stepOne(env: number, action: number): void;
  admissibleInto(env: number, out: Int32Array): number;
  close(): void;
}

/** What EnvBatch.drawActions reads: the random streams (4 words per env, seedActionStreams) and the policy. */
export interface NativeActionDraw {
  streams: Uint32Array;
  active: Uint8Array;
  actions: Int32Array;
  oracle: boolean;
  epsilon: number;
  overAdmissible: boolean;
}

/** Step-row columns read by computeAdvantages (borrowed, never copied). */
export interface NativeAdvantageColumns {
  group: Uint32Array;
  traj: Uint32Array;
  step: Uint32Array;
  reward: Float32Array;
  valid: Uint8Array;
  anchor: BigUint64Array;
  obs: Uint32Array;
  obsOffsets: Uint32Array;
  obsBytes: Uint8Array;
  responseOffsets?: Uint32Array;
}

/** Flat advantage options; `similarity` 0 means exact anchors. */
export interface NativeAdvantageOptions {
  estimator: string;
  gamma: number;
  stepWeight: number;
  mode: string;
  epsilon: number;
  invalidPenalty: number;
  episodeStats: string;
  normalizeByLength: boolean;
  similarity: number;
}

/** Per-row outputs, preallocated with numRows entries, filled in place. */
export interface NativeAdvantageOutputs {
  returns: Float32Array;
  episodeAdvantage: Float32Array;
  stepAdvantage: Float32Array;
  advantage: Float32Array;
  stepGroup: Uint32Array;
}

export interface NativeAdvantageReport {
  numGroups: number;
  numTrajectories: number;
  numStepGroups: number;
  singletonStepGroups: number;
  zeroVarianceGroups: number;
  groupIds: Uint32Array;
  groupZeroVariance: Uint8Array;
}

/** What the native Sokoban solver returns (see lib/envs/sokoban.ts). */
export interface NativeSokobanSolution {
  solved: boolean;
  /** Action ids (0 up, 1 down, 2 left, 3 right), one per move; null when not solved. */
  plan: Int32Array | null;
  /** Player moves in the plan (0 when not solved). Always the fewest possible when solved. */
  moves: number;
  /** Box pushes in the plan (0 when not solved). */
  pushes: number;
  /** States expanded (taken off the queue). */
  nodesExpanded: number;
  /** Distinct states stored: what nodeBudget bounds. */
  nodesGenerated: number;
  /** The budget ran out. `solved === false && !budgetExhausted` proves the level unsolvable. */
  budgetExhausted: boolean;
}

export interface NativeAddon {
  EnvBatch: new (
    env: string,
    config: { numEnvs: number; groupSize?: number; seed?: number | bigint; firstGroup?: number },
    options?: Record<string, EnvOptionValue>,
  ) => NativeEnvBatch;
  hashStrings(strings: readonly string[]): BigUint64Array;
  hashBytes(bytes: Uint8Array, offsets: Uint32Array): BigUint64Array;
  listEnvs(): NativeEnvInfo[];
  computeAdvantages(
    columns: NativeAdvantageColumns,
    options: NativeAdvantageOptions,
    outputs: NativeAdvantageOutputs,
  ): NativeAdvantageReport;
  similarityRatio(a: string, b: string): number;
  solveSokoban(level: string, options?: { nodeBudget?: number }): NativeSokobanSolution;
  readBoxobanLevels(path: string): string[];
  seedActionStreams(seed: number | bigint, first: number, count: number): Uint32Array;
  /** A StepBatch's JSONL lines as UTF-8 (lib/io/jsonl-writer.ts); ids as JSON text per id, or numbers. */
  encodeJsonl(
    batch: object,
    form: 'trajectory' | 'row',
    groupIds?: { offsets: Uint32Array; data: Uint8Array },
    trajIds?: { offsets: Uint32Array; data: Uint8Array },
    rowStart?: number,
    rowEnd?: number,
  ): { bytes: Uint8Array; trajOffsets: Uint32Array };
  /** Trajectory-form JSONL lines of bytes[start, end) into columns, up to the first line it leaves to the TypeScript path. */
  parseJsonlTrajectories(bytes: Uint8Array, start: number, end: number): NativeJsonlPiece;
  [name: string]: unknown;
}

/** What native.parseJsonlTrajectories read: lines consumed and their trajectories' columns (lib/io/trajectory-piece.ts). */
export interface NativeJsonlPiece {
  /** Index just past the last consumed line (past its newline if it had one); `start` if none was consumed. */
  end: number;
  /** Lines consumed (blank and accepted). */
  lines: number;
  numTraj: number;
  numRows: number;
  /** Per trajectory: 0-based index of its line among the lines of the call. */
  trajLine: Uint32Array;
  /** First row of each trajectory, plus numRows at the end. */
  trajStarts: Uint32Array;
  /** Ids: kind 0 = a number (in num), 1 = a string (UTF-8 in text). */
  groupKind: Uint8Array;
  groupNum: Float64Array;
  groupText: { offsets: Uint32Array; data: Uint8Array };
  trajKind: Uint8Array;
  trajNum: Float64Array;
  trajText: { offsets: Uint32Array; data: Uint8Array };
  action: Int32Array;
  actionText?: { offsets: Uint32Array; data: Uint8Array };
  reward: Float32Array;
  valid: Uint8Array;
  done: Uint8Array;
  truncated: Uint8Array;
  anchor: BigUint64Array;
  obs: Uint32Array;
  observations: { offsets: Uint32Array; data: Uint8Array };
  obsHash: BigUint64Array;
  stateAnchor?: BigUint64Array;
  stateAnchorPresent?: Uint8Array;
  prompt?: { offsets: Uint32Array; data: Uint8Array };
  response?: { offsets: Uint32Array; data: Uint8Array };
  promptIds?: { offsets: Uint32Array; data: Int32Array };
  responseIds?: { offsets: Uint32Array; data: Int32Array };
  logprobs?: { offsets: Uint32Array; data: Float32Array };
  responseMask?: { offsets: Uint32Array; data: Uint8Array };
  policyVersion?: Uint32Array;
  policyVersionPresent?: Uint8Array;
}

const require = createRequire(import.meta.url);
const load = require('node-gyp-build') as (dir: string) => unknown;

// GIGPO_NATIVE_ADDON names another build of the addon to load instead (the sanitizer build
// of native/test/run.sh, run under LD_PRELOAD of libasan).
const override = process.env.GIGPO_NATIVE_ADDON;
export const native = (override ? require(override) : load(packageRoot)) as NativeAddon;
