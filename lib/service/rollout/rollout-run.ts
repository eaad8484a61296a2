// One POST /v1/rollouts: the groups run as jobs (bounded concurrency); each finished job
// is scored and written as one chunk at once, in completion order; then the summary. An
// abort (client gone, server shutting down) stops new jobs and cancels the running ones.
import { promptSpec } from '../../envs/prompts.js';
import { encodeChunk } from '../../io/msgpack-chunk.js';
import type { StepBatch } from '../../io/step-batch.js';
import type { RolloutMeta } from '../../rollout/engine.js';
import { MetricsTotals } from '../../rollout/metrics.js';
import { jobShape, type GroupRunner } from './group-runner.js';
import { buildPolicy } from './policy-spec.js';
import type { RolloutSpec } from './rollout-request.js';
import { joinGroups, scoreJob } from './scored-groups.js';

export const SUMMARY_FORMAT = 'gigpo.summary';

export interface RolloutSummary {
  format: typeof SUMMARY_FORMAT;
  groups: number;
  /** Groups left out by assembly.dropZeroVarianceGroups. */
  droppedGroups: number;
  rows: number;
  chunks: number;
  /** ms from the request to the first chunk written (-1: none). */
  firstChunkMs: number;
  seconds: number;
  /** Of `seconds`: computing advantages (the engine's GiGPO/GRPO share) and encoding chunks. */
  scoringSeconds: number;
  encodingSeconds: number;
  metrics: ReturnType<MetricsTotals['summary']>;
  /** Set when the rollout stopped early: 'client' (disconnect) or 'shutdown'. */
  cancelled?: string;
}

/** Where chunks go; write() resolves when the bytes are handed off (backpressure). */
export type ChunkSink = (bytes: Uint8Array) => Promise<void>;

export async function runRollout(spec: RolloutSpec, runner: GroupRunner, sink: ChunkSink, signal: AbortSignal): Promise<RolloutSummary> {
  const started = performance.now();
  const { groupsPerJob, concurrentJobs } = jobShape(spec, runner, spec.groups);
  const policy = buildPolicy(spec.policy);
  const successReward = promptSpec(spec.env).successReward;
  const totals = new MetricsTotals();
  const summary: RolloutSummary = {
    format: SUMMARY_FORMAT,
    groups: 0,
    droppedGroups: 0,
    rows: 0,
    chunks: 0,
    firstChunkMs: -1,
    seconds: 0,
    scoringSeconds: 0,
    encodingSeconds: 0,
    metrics: totals.summary(),
  };
  const jobs = new AbortController();
  const cancel = () => jobs.abort(signal.reason);
  signal.addEventListener('abort', cancel, { once: true });
  let writing = Promise.resolve();
  let next = 0;
  let failure: unknown;

  const emit = (batch: StepBatch): Promise<void> => {
    const meta = batch.meta as unknown as RolloutMeta;
    totals.add(meta.metrics);
    const t0 = performance.now();
    const groups = scoreJob(batch, spec.advantage, successReward, 0, (g) => g);
    const t1 = performance.now();
    summary.scoringSeconds += (t1 - t0) / 1000;
    const kept = spec.dropZeroVarianceGroups ? groups.filter((g) => !g.zeroVariance) : groups;
    summary.droppedGroups += groups.length - kept.length;
    summary.groups += kept.length;
    if (kept.length === 0) return writing;
    const chunkMeta = {
      env: meta.env,
      seed: meta.seed,
      groupSize: meta.groupSize,
      policy: meta.policy,
      groups: kept.map((g) => g.group),
      metrics: meta.metrics,
    };
    const out = joinGroups(kept, chunkMeta);
    delete out.policyVersion; // one-shot rollouts have no policy versions
    const bytes = encodeChunk(out, chunkMeta, { validate: false });
    summary.encodingSeconds += (performance.now() - t1) / 1000;
    summary.rows += out.numRows;
    // Writes are chained so chunks never interleave; each is one whole chunk.
    writing = writing.then(async () => {
      if (jobs.signal.aborted) return;
      await sink(bytes);
      if (summary.chunks++ === 0) summary.firstChunkMs = performance.now() - started;
    });
    return writing;
  };

  const worker = async (): Promise<void> => {
    while (next < spec.groups && !jobs.signal.aborted) {
      const firstGroup = next;
      const groups = Math.min(groupsPerJob, spec.groups - next);
      next += groups;
      try {
        const batch = await runner.run(spec, { firstGroup, groups, policy, signal: jobs.signal });
        if (jobs.signal.aborted) return;
        await emit(batch);
      } catch (err) {
        if (!jobs.signal.aborted) {
          failure ??= err;
          jobs.abort(err);
        }
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrentJobs, Math.ceil(spec.groups / groupsPerJob)) }, worker));
    await writing.catch((err) => (failure ??= err));
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  if (failure !== undefined && !signal.aborted) throw failure;
  if (signal.aborted) summary.cancelled = String(signal.reason ?? 'aborted');
  summary.metrics = totals.summary();
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
