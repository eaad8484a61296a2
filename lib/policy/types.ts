// The Policy interface: batched and async. A request carries the chat messages built by
// the env's prompt template and the ids of the step; a response carries the text and,
// where the policy has them, token ids and sampler log-probs.
import type { ChatMessage } from '../envs/chat-message.js';

export type { ChatMessage };

export interface PolicyRequest {
  /** Task group (global id). */
  group: number;
  /** Trajectory id (global, unique in the rollout). */
  traj: number;
  /** Step index within the trajectory. */
  step: number;
  messages: ChatMessage[];
}

export interface PolicyResponse {
  text: string;
  /** Token ids of the prompt as the server tokenised it. */
  promptIds?: ArrayLike<number>;
  /** Token ids of the response. */
  responseIds?: ArrayLike<number>;
  /** Per-token sampler log-probs of the response (same length as responseIds when both exist). */
  logprobs?: ArrayLike<number>;
}

/** A policy that reads text and answers text (an LLM server, a JS function). */
export interface TextPolicy {
  readonly kind: 'text';
  readonly name: string;
  act(requests: readonly PolicyRequest[], signal?: AbortSignal): Promise<PolicyResponse[]>;
}

/**
 * A policy computed inside the engine without a text round trip (benchmarks, tests,
 * baselines). Plain data, so it can be sent to worker threads.
 */
export interface NativePolicy {
  readonly kind: 'native';
  readonly name: 'random' | 'oracle';
  /** Oracle only: probability of a uniformly random action instead of the oracle's. */
  readonly epsilon: number;
}

export type Policy = TextPolicy | NativePolicy;
