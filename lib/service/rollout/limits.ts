// Bounds the service enforces on requests, so one client cannot take the machine.
export interface ServiceLimits {
  /** Streams alive at once (POST /v1/streams beyond it: 429). */
  maxStreams: number;
  /** /v1/rollouts requests running at once (beyond it: 429). */
  maxRollouts: number;
  /** Largest `bufferGroups` of a stream. */
  maxBufferGroups: number;
  /** Largest `rows` of one batch request. */
  maxBatchRows: number;
  /** Largest `groups` of one rollout. */
  maxGroups: number;
  /** Largest `groupSize`. */
  maxGroupSize: number;
  /** Largest `tasks` of a stream's task set. */
  maxTasks: number;
  /** Largest number of group jobs in flight for one request or stream. */
  maxConcurrentJobs: number;
  /** Largest request body in bytes. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ServiceLimits> = Object.freeze({
  maxStreams: 16,
  maxRollouts: 16,
  maxBufferGroups: 4096,
  maxBatchRows: 1 << 20,
  maxGroups: 1 << 20,
  maxGroupSize: 1024,
  maxTasks: 1 << 20,
  maxConcurrentJobs: 256,
  maxBodyBytes: 1 << 20,
});
