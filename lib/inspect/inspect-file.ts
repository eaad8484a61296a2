// inspectFile: what a rollout or scored file holds, read group by group in bounded memory
// (plus 8 bytes per trajectory for the return quantiles): counts, success rate, the
// episode return distribution, step-group sizes and groups without episode-level signal.
import { computeAdvantages } from '../advantage/compute.js';
import { successRewardOf } from '../envs/registry.js';
import { asInputError, GigpoArgumentError } from '../errors.js';
import { newReadStats } from '../io/jsonl-reader.js';
import type { StepBatch } from '../io/step-batch.js';
import { readGroupBatches } from '../score/group-batches.js';
import type { DataFormat } from '../io/data-format.js';
import { openInput } from '../score/score-input.js';

export interface InspectOptions {
  input: string | AsyncIterable<Uint8Array | string>;
  inputName?: string;
  inputFormat?: DataFormat;
  /**
   * A trajectory succeeds when its last step ended the episode with a reward >= this.
   * Default: the env's success reward when the file names a known env (its meta: msgpack
   * chunk meta or a JSONL meta line),
   * else success means an episode return > 0.
   */
  successReward?: number;
  maxOpenRows?: number;
  skipInvalid?: boolean;
  /** Called after each batch of complete groups. */
  onProgress?: (progress: { bytesRead: number; totalBytes?: number; rows: number; groups: number; elapsedMs: number }) => void;
}

export interface Distribution {
  count: number;
  mean: number;
  min: number;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  max: number;
  /** Equal-width bins from min to max. */
  histogram: { from: number; to: number; count: number }[];
}

export interface InspectReport {
  input: string;
  format: DataFormat;
  /** Every row carries scores (advantage columns). */
  scored: boolean;
  /** msgpack chunks, or JSONL batches of whole groups. */
  pieces: number;
  env?: string;
  rows: number;
  trajectories: number;
  groups: number;
  meanLength: number;
  invalidActionRate: number;
  successRate: number;
  /** How success was decided. */
  successCriterion: string;
  returns: Distribution;
  stepGroups: {
    count: number;
    meanSize: number;
    singletons: number;
    /** Sizes in power-of-two buckets: "1", "2", "3-4", "5-8", ... */
    sizeHistogram: { size: string; count: number }[];
    /** Where the step groups come from: the file's scores, or exact anchors computed here. */
    source: 'file' | 'exact anchors';
  };
  /** Task groups whose trajectories all have the same episode return (no episode-level signal). */
  zeroVarianceGroups: number;
  zeroVarianceShare: number;
  /** Advantage column of a scored file. */
  advantage?: { mean: number; std: number; min: number; max: number };
  skipped: number;
}

/** The env profile a rollout's meta names (envOptions.profile), default 'native'. */
function metaProfile(meta: Record<string, unknown> | undefined): string {
  const profile = meta?.profile;
  return typeof profile === 'string' ? profile : 'native';
}

class Accumulator {
  rows = 0;
  trajectories = 0;
  groups = 0;
  invalid = 0;
  successes = 0;
  zeroVariance = 0;
  stepGroups = 0;
  singletons = 0;
  scoredRows = 0;
  pieces = 0;
  sizeBuckets: number[] = [];
  returns = new Float64Array(1024);
  adv = { sum: 0, sumSq: 0, min: Infinity, max: -Infinity };
  env?: string;
  profile?: string;

  constructor(private successReward: number | undefined) {}

  /** `source` names the batch in errors. */
  add(b: StepBatch, source: string): void {
    this.pieces++;
    const metaEnv = typeof b.meta?.env === 'string' ? b.meta.env : undefined;
    if (metaEnv) this.env ??= metaEnv;
    if (metaEnv) this.profile ??= metaProfile(b.meta);
    const threshold = this.successReward ?? (metaEnv ? successRewardOf(metaEnv, metaProfile(b.meta)) : undefined);
    this.rows += b.numRows;
    let groupMin = Infinity;
    let groupMax = -Infinity;
    let ret = 0;
    for (let r = 0; r < b.numRows; r++) {
      ret += b.reward[r];
      if (!b.valid[r]) this.invalid++;
      if (r + 1 < b.numRows && b.traj[r + 1] === b.traj[r]) continue;
      // r is the last step of its trajectory
      this.pushReturn(ret);
      if (threshold === undefined ? ret > 0 : b.done[r] === 1 && b.reward[r] >= threshold) this.successes++;
      groupMin = Math.min(groupMin, ret);
      groupMax = Math.max(groupMax, ret);
      ret = 0;
      if (r + 1 === b.numRows || b.group[r + 1] !== b.group[r]) {
        this.groups++;
        if (groupMin === groupMax) this.zeroVariance++;
        groupMin = Infinity;
        groupMax = -Infinity;
      }
    }
    const stepGroup = b.scores ? b.scores.stepGroup : exactStepGroups(b, source);
    this.countStepGroups(stepGroup);
    if (b.scores) {
      this.scoredRows += b.numRows;
      const a = b.scores.advantage;
      for (let r = 0; r < a.length; r++) {
        const x = a[r];
        this.adv.sum += x;
        this.adv.sumSq += x * x;
        if (x < this.adv.min) this.adv.min = x;
        if (x > this.adv.max) this.adv.max = x;
      }
    }
  }

  private pushReturn(x: number): void {
    if (this.trajectories === this.returns.length) {
      const grown = new Float64Array(this.returns.length * 2);
      grown.set(this.returns);
      this.returns = grown;
    }
    this.returns[this.trajectories++] = x;
  }

  private countStepGroups(ids: Uint32Array): void {
    const sizes = new Map<number, number>();
    for (let r = 0; r < ids.length; r++) sizes.set(ids[r], (sizes.get(ids[r]) ?? 0) + 1);
    for (const size of sizes.values()) {
      this.stepGroups++;
      if (size === 1) this.singletons++;
      const bucket = size === 1 ? 0 : Math.ceil(Math.log2(size));
      while (this.sizeBuckets.length <= bucket) this.sizeBuckets.push(0);
      this.sizeBuckets[bucket]++;
    }
  }

  distribution(): Distribution {
    const sorted = this.returns.slice(0, this.trajectories).sort();
    const n = sorted.length;
    const q = (p: number) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i];
    const min = n ? sorted[0] : 0;
    const max = n ? sorted[n - 1] : 0;
    const bins = min === max ? 1 : 10;
    const width = (max - min) / bins;
    const histogram = Array.from({ length: n ? bins : 0 }, (_, i) => ({
      from: min + i * width,
      to: i === bins - 1 ? max : min + (i + 1) * width,
      count: 0,
    }));
    for (let i = 0; i < n; i++) histogram[width === 0 ? 0 : Math.min(bins - 1, Math.floor((sorted[i] - min) / width))].count++;
    return { count: n, mean: n ? sum / n : 0, min, p10: q(0.1), p25: q(0.25), median: q(0.5), p75: q(0.75), p90: q(0.9), max, histogram };
  }

  sizeHistogram(): { size: string; count: number }[] {
    return this.sizeBuckets.map((count, b) => {
      if (b === 0) return { size: '1', count };
      const lo = (1 << (b - 1)) + 1;
      const hi = 1 << b;
      return { size: lo === hi ? String(hi) : `${lo}-${hi}`, count };
    });
  }
}

/** Step groups of exact anchors; bad data the readers let through is an input error naming `source`. */
function exactStepGroups(b: StepBatch, source: string): Uint32Array {
  try {
    return computeAdvantages(b).stepGroup;
  } catch (err) {
    throw asInputError(err, source);
  }
}

export async function inspectFile(options: InspectOptions): Promise<InspectReport> {
  if (options === null || typeof options !== 'object') throw new GigpoArgumentError('options', 'expected an object');
  const { successReward } = options;
  if (successReward !== undefined && !Number.isFinite(successReward))
    throw new GigpoArgumentError('options.successReward', `must be a finite number, got ${String(successReward)}`);
  const input = await openInput(options.input, { name: options.inputName, format: options.inputFormat });
  const stats = newReadStats();
  const acc = new Accumulator(successReward);
  const started = performance.now();
  try {
    for await (const batch of readGroupBatches(input, { maxOpenRows: options.maxOpenRows, skipInvalid: options.skipInvalid, stats })) {
      // Names as readMsgpackChunks gives them; a JSONL batch holds the groups of many lines.
      acc.add(batch, `${input.name}: ${input.format === 'msgpack' ? 'chunk' : 'batch of groups'} ${acc.pieces}`);
      options.onProgress?.({
        bytesRead: input.bytesRead(),
        totalBytes: input.size,
        rows: acc.rows,
        groups: acc.groups,
        elapsedMs: performance.now() - started,
      });
    }
  } finally {
    await input.close();
  }
  const scored = acc.rows > 0 && acc.scoredRows === acc.rows;
  const threshold = successReward ?? (acc.env ? successRewardOf(acc.env, acc.profile) : undefined);
  const n = acc.scoredRows;
  const mean = n ? acc.adv.sum / n : 0;
  return {
    input: input.name,
    format: input.format,
    scored,
    pieces: acc.pieces,
    env: acc.env,
    rows: acc.rows,
    trajectories: acc.trajectories,
    groups: acc.groups,
    meanLength: acc.trajectories ? acc.rows / acc.trajectories : 0,
    invalidActionRate: acc.rows ? acc.invalid / acc.rows : 0,
    successRate: acc.trajectories ? acc.successes / acc.trajectories : 0,
    successCriterion:
      threshold === undefined
        ? 'episode return > 0'
        : `the episode ended with a last reward >= ${threshold}${successReward === undefined ? ` (${acc.env}'s success reward)` : ''}`,
    returns: acc.distribution(),
    stepGroups: {
      count: acc.stepGroups,
      meanSize: acc.stepGroups ? acc.rows / acc.stepGroups : 0,
      singletons: acc.singletons,
      sizeHistogram: acc.sizeHistogram(),
      source: scored ? 'file' : 'exact anchors',
    },
    zeroVarianceGroups: acc.zeroVariance,
    zeroVarianceShare: acc.groups ? acc.zeroVariance / acc.groups : 0,
    advantage: scored
      ? { mean, std: n > 1 ? Math.sqrt(Math.max(0, (acc.adv.sumSq - n * mean * mean) / (n - 1))) : 0, min: acc.adv.min, max: acc.adv.max }
      : undefined,
    skipped: stats.skipped,
  };
}
