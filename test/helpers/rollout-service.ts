// A rollout service (`gigpo serve`'s RolloutServer) in this process on a free port, and
// reading its streamed answers: chunks as they arrive (with their arrival time) and the
// closing summary.
import { Unpackr } from 'msgpackr';

import { decodeChunk } from '../../lib/io/msgpack-chunk.js';
import { readMsgpackChunkBytes } from '../../lib/io/msgpack-reader.js';
import { rowObservation, type StepBatch, type StepScores } from '../../lib/io/step-batch.js';
import { LocalGroupRunner, type GroupRunner } from '../../lib/service/rollout/group-runner.js';
import type { HttpErrorBody } from '../../lib/service/rollout/http-error.js';
import type { ServiceLimits } from '../../lib/service/rollout/limits.js';
import type { RolloutSummary } from '../../lib/service/rollout/rollout-run.js';
import { RolloutServer } from '../../lib/service/rollout/server.js';
import type { StreamInfo } from '../../lib/service/rollout/stream-producer.js';
import type { TaskReport } from '../../lib/service/rollout/task-sampler.js';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

export async function startService(options: { limits?: Partial<ServiceLimits>; runner?: GroupRunner } = {}): Promise<RolloutServer> {
  return RolloutServer.start({ runner: options.runner ?? new LocalGroupRunner({ threads: 1 }), port: 0, limits: options.limits });
}

/**
 * The fields of the service's JSON replies, each with its type: an error, a stream's info (its
 * `error` text aside), a task report, a deletion, /health. A test reads those of the endpoint it called.
 */
export type ServiceReply = HttpErrorBody &
  Omit<StreamInfo, 'error'> &
  TaskReport & { deleted: boolean; status: string; streams: number; rollouts: number; llamaModels: number; limits: ServiceLimits };

export async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: ServiceReply }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

export interface StreamedRollout {
  chunks: { batch: StepBatch; atMs: number }[];
  /** The closing summary; none when the client disconnected first. */
  summary?: RolloutSummary;
  totalMs: number;
}

/** POST /v1/rollouts and read the answer to its end; `onChunk` returning false stops reading (disconnects). */
export async function streamRollout(
  base: string,
  body: unknown,
  onChunk?: (batch: StepBatch, index: number) => unknown,
): Promise<StreamedRollout> {
  const started = performance.now();
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/rollouts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (res.status !== 200) throw new Error(`POST /v1/rollouts: ${res.status} ${await res.text()}`);
  const out: StreamedRollout = { chunks: [], summary: undefined, totalMs: 0 };
  try {
    for await (const raw of readMsgpackChunkBytes(res.body as AsyncIterable<Uint8Array>, { name: 'rollout' })) {
      const value = unpackr.unpack(raw.bytes) as { format?: string };
      if (value.format !== 'gigpo.steps') {
        out.summary = value as RolloutSummary;
        continue;
      }
      const batch = decodeChunk(raw.bytes, raw.source);
      out.chunks.push({ batch, atMs: performance.now() - started });
      if (onChunk?.(batch, out.chunks.length - 1) === false) {
        controller.abort();
        break;
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  out.totalMs = performance.now() - started;
  return out;
}

/** GET a stream batch, decoded. */
export async function streamBatch(base: string, id: string, rows: number): Promise<StepBatch> {
  const res = await fetch(`${base}/v1/streams/${id}/batch?rows=${rows}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`batch: ${res.status} ${new TextDecoder().decode(bytes)}`);
  return decodeChunk(bytes, 'batch');
}

/** Rows of a batch in a comparable form, groups sorted by id, step groups as a partition. */
export function rowsByGroup(batch: StepBatch, scores: StepScores) {
  const rows = [];
  const firstOfStepGroup = new Map<number, number>();
  for (let r = 0; r < batch.numRows; r++) {
    const sg = scores.stepGroup[r];
    if (!firstOfStepGroup.has(sg)) firstOfStepGroup.set(sg, r);
    rows.push({
      group: batch.group[r],
      traj: batch.traj[r],
      step: batch.step[r],
      action: batch.action[r],
      reward: batch.reward[r],
      done: batch.done[r],
      valid: batch.valid[r],
      anchor: batch.anchor[r],
      obs: rowObservation(batch, r),
      returns: scores.returns[r],
      episodeAdvantage: scores.episodeAdvantage[r],
      stepAdvantage: scores.stepAdvantage[r],
      advantage: scores.advantage[r],
      // The step group as the (traj, step) of its first row: ids differ between scoring runs, the partition does not.
      stepGroupOf: `${batch.traj[firstOfStepGroup.get(sg)!]}:${batch.step[firstOfStepGroup.get(sg)!]}`,
    });
  }
  return rows.sort((a, b) => a.group - b.group || a.traj - b.traj || a.step - b.step);
}
