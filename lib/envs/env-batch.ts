// EnvBatch: a typed wrapper over the native batch. Outputs are typed-array views bound
// once; observations are decoded to strings only when asked.
import { GigpoArgumentError } from '../errors.js';
import { native, type EnvOptionValue, type NativeActionDraw, type NativeBatchShape, type NativeEnvBatch } from '../native.js';

export type EnvOptions = Record<string, EnvOptionValue>;

export interface EnvBatchConfig {
  /** Environment name, e.g. `sokoban` (see `listEnvs()`). */
  env: string;
  /** Number of environments stepped together. */
  numEnvs: number;
  /** Members per task group; groups start from identical states. Must divide numEnvs. */
  groupSize?: number;
  /** Base seed (a safe integer or a BigInt). */
  seed?: number | bigint;
  /** Global id of the first group (for shards of a larger rollout); default 0. */
  firstGroup?: number;
  /** Environment options (see `gigpo envs`). */
  options?: EnvOptions;
}

/** Action id meaning "the response did not parse": an invalid no-op. */
export const INVALID_ACTION = -1;
/** Action id meaning "leave this environment untouched this step". */
export const HOLD_ACTION = -2;
/**
 * Set by `parse()` on a real action (profile 'verl-agent': a well-formed action without the required
 * `<think>` block): `step()` runs `action & ~ACTION_FLAG_INVALID` and reports the step invalid.
 */
export const ACTION_FLAG_INVALID = 1 << 30;

/** The action a parsed id runs (drops ACTION_FLAG_INVALID). */
export function actionOf(parsed: number): number {
  return parsed >= 0 ? parsed & ~ACTION_FLAG_INVALID : parsed;
}

const decoder = new TextDecoder();

export class EnvBatch {
  readonly env: string;
  readonly numEnvs: number;
  readonly groupSize: number;
  readonly numGroups: number;
  readonly firstGroup: number;
  readonly numActions: number;
  readonly maxSteps: number;
  readonly hasOracle: boolean;
  /** Reward of the last step, per env. */
  readonly rewards: Float32Array;
  /** 1 when the last step ended the episode by the env's rules. */
  readonly done: Uint8Array;
  /** 1 when the last step hit the step limit. */
  readonly truncated: Uint8Array;
  /** 1 when the last action was valid (parsed and legal). */
  readonly valid: Uint8Array;
  /** 1 when the last call reset this env (auto-reset or reset()). */
  readonly resets: Uint8Array;
  /** Steps taken in the current episode. */
  readonly episodeSteps: Uint32Array;
  /** 64-bit hash of each env's current canonical state (the anchor for its next action). */
  readonly anchors: BigUint64Array;
  /**
   * 64-bit hash of each env's FULL canonical state (household: the world with inventory and object
   * places; shop: the session). Equal to `anchors` for envs whose anchor key is already the full
   * state (docs/ENVS.md). Equal state anchors imply equal anchors.
   */
  readonly stateAnchors: BigUint64Array;
  /** Upper bound on one observation's UTF-8 bytes; env i's slot in obsBytes has this size. */
  readonly maxObsBytes: number;
  /**
   * Observation i is obsBytes[i * maxObsBytes .. i * maxObsBytes + obsLengths[i]) (UTF-8);
   * `observationBytes(i)` gives that view. Fixed slots let `stepAt` touch only its envs.
   */
  readonly obsLengths: Uint32Array;
  readonly obsBytes: Uint8Array;
  /** The options the batch was created with (a copy). */
  readonly options: Readonly<EnvOptions>;
  private readonly handle: NativeEnvBatch;
  private readonly seed: number | bigint;

  constructor(config: EnvBatchConfig) {
    if (config === null || typeof config !== 'object') throw new GigpoArgumentError('config', 'expected an object');
    if (typeof config.env !== 'string') throw new GigpoArgumentError('config.env', 'expected an environment name');
    if (config.numEnvs === undefined)
      throw new GigpoArgumentError('config.numEnvs', 'missing (expected the number of envs, a positive integer)');
    this.handle = new native.EnvBatch(
      config.env,
      { numEnvs: config.numEnvs, groupSize: config.groupSize ?? 1, seed: config.seed ?? 0, firstGroup: config.firstGroup ?? 0 },
      config.options ?? {},
    );
    this.seed = config.seed ?? 0;
    this.options = Object.freeze({ ...(config.options ?? {}) });
    const shape: NativeBatchShape = this.handle.shape();
    const out = this.handle.outputs;
    this.env = shape.env;
    this.numEnvs = shape.numEnvs;
    this.groupSize = shape.groupSize;
    this.numGroups = shape.numEnvs / shape.groupSize;
    this.firstGroup = shape.firstGroup;
    this.numActions = shape.numActions;
    this.maxSteps = shape.maxSteps;
    this.hasOracle = shape.hasOracle;
    this.maxObsBytes = shape.maxObsBytes;
    this.rewards = out.reward;
    this.done = out.done;
    this.truncated = out.truncated;
    this.valid = out.valid;
    this.resets = out.reset;
    this.episodeSteps = out.episodeStep;
    this.anchors = out.anchor;
    this.stateAnchors = out.stateAnchor;
    this.obsLengths = out.obsLengths;
    this.obsBytes = out.obsBytes;
  }

  /** Every env back to the start of its first episode under `seed` (default: the batch's seed). */
  reset(seed?: number | bigint): void {
    this.handle.reset(seed ?? this.seed);
  }

  /** One step of every env. actions[i] in [0, numActions), or INVALID_ACTION / HOLD_ACTION. */
  step(actions: Int32Array): void {
    this.handle.step(actions);
  }

  /** Parses each LLM response with its env's parser and steps; null holds that env. */
  stepText(responses: ReadonlyArray<string | null | undefined>): void {
    this.handle.stepText(responses);
  }

  /**
   * One step of only the envs `indices[j]`, env indices[j] taking actions[j] (in [0, numActions)
   * or INVALID_ACTION / HOLD_ACTION). Costs O(indices.length), not O(numEnvs): every other env
   * and all its outputs (rewards, done, resets, anchors, observations...) stay exactly as they
   * were. Auto-reset applies per env as in `step`. Indices must be distinct integers in
   * [0, numEnvs) and actions.length must equal indices.length; otherwise a RangeError names the
   * first bad position (`indices[3]: ...`) and no env is stepped.
   */
  stepAt(indices: Int32Array | Uint32Array, actions: Int32Array): void {
    this.handle.stepAt(indices, actions);
  }

  /**
   * `stepAt` for LLM text: env indices[j] parses and acts on responses[j] (a string; an
   * unparseable one is an invalid no-op). Same cost, index rules and errors as `stepAt`.
   */
  stepTextAt(indices: Int32Array | Uint32Array, responses: readonly string[]): void {
    this.handle.stepTextAt(indices, responses);
  }

  /**
   * Puts env indices[j] at the start of task groups[j] as member members[j]: the state that
   * member of that group starts from in any batch of this seed (members differ only in
   * in-episode randomness). Only those envs are touched and published. This lets one batch
   * serve independent sessions (`gigpo serve-env`). `reset()` restores every env's own group.
   * Same index rules and errors as `stepAt`; groups and members are Uint32Arrays of the same length.
   */
  resetAt(indices: Int32Array | Uint32Array, groups: Uint32Array, members: Uint32Array): void {
    this.handle.resetAt(indices, groups, members);
  }

  /**
   * Parses responses into action ids (INVALID_ACTION where they do not parse), without stepping; an id
   * may carry ACTION_FLAG_INVALID (see there).
   */
  parse(responses: readonly string[]): Int32Array {
    return this.handle.parse(responses);
  }

  /**
   * Parses responses[j] with env indices[j]'s parser (action ids, INVALID_ACTION where they do
   * not parse), without stepping; O(indices.length), with `stepAt`'s index rules.
   */
  parseAt(indices: Int32Array | Uint32Array, responses: readonly string[]): Int32Array {
    return this.handle.parseAt(indices, responses);
  }

  /** `parseAt` of one env without the arrays: env i's parse of `response` (O(1), no allocation). */
  parseOne(i: number, response: string): number {
    return this.handle.parseOne(i, response);
  }

  /** `stepAt` of one env without the arrays: env i takes `action` (O(1), no allocation). */
  stepOne(i: number, action: number): void {
    this.handle.stepOne(i, action);
  }

  /**
   * `admissibleActionIds(i)` written into `out` (numActions entries) instead of a new array;
   * returns how many of its first entries are env i's admissible actions.
   */
  admissibleActionIdsInto(i: number, out: Int32Array): number {
    return this.handle.admissibleInto(i, out);
  }

  /**
   * Frees the native envs and the output arrays now, instead of whenever the garbage collector
   * and the event loop get to it (the typed-array views become empty). Every other method
   * throws a TypeError afterwards; closing again does nothing. `using batch = createEnvBatch(...)`
   * closes it at the end of the scope.
   */
  close(): void {
    this.handle.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** The current observation of env i. */
  observation(i: number): string {
    if (!Number.isInteger(i) || i < 0 || i >= this.numEnvs)
      throw new GigpoArgumentError('env', `must be an integer in [0, ${this.numEnvs}), got ${String(i)}`);
    return decoder.decode(this.observationBytes(i));
  }

  /** The UTF-8 bytes of env i's current observation (a view into obsBytes, valid until the next step). */
  observationBytes(i: number): Uint8Array {
    const start = i * this.maxObsBytes;
    return this.obsBytes.subarray(start, start + this.obsLengths[i]);
  }

  /** All current observations, decoded. */
  observations(): string[] {
    const out = new Array<string>(this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) out[i] = this.observation(i);
    return out;
  }

  /** The canonical key bytes that env i's anchor hashes (for tests and tooling). */
  key(i: number): Buffer {
    return this.handle.key(i);
  }

  /** The text an LLM would answer for `action` in env i. */
  actionName(i: number, action: number): string {
    return this.handle.actionName(i, actionOf(action));
  }

  /**
   * The actions env i may take now, ascending: household and shop their admissible commands, the
   * card games (profile native) the tokens legal next, every other env all of 0..numActions-1.
   */
  admissibleActionIds(i: number): Int32Array {
    return this.handle.admissibleActions(i);
  }

  /** A good action for every env (envs with an oracle only). */
  oracleActions(): Int32Array {
    return this.handle.oracleActions();
  }

  /**
   * A native policy's action for every env with active[i] != 0 into actions[i] (HOLD_ACTION
   * elsewhere), drawn in C++ from env i's stream in `streams` (nativeActionStreams), which it
   * advances: the oracle's action (with probability epsilon a random one instead), or a random
   * one, uniform over the admissible actions when `overAdmissible`, else over all actions.
   */
  drawActions(draw: NativeActionDraw): void {
    this.handle.drawActions(draw);
  }
}

/**
 * The native policies' random streams for envs first .. first + count - 1 of a rollout (4
 * words each; EnvBatch.drawActions advances them): the streams of lib/seeded-random.ts's
 * RandomStreams(seed, first, count), seeded and stepped in C++.
 */
export function nativeActionStreams(seed: number | bigint, first: number, count: number): Uint32Array {
  return native.seedActionStreams(seed, first, count);
}

export function createEnvBatch(config: EnvBatchConfig): EnvBatch {
  return new EnvBatch(config);
}
