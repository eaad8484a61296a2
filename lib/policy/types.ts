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
  /** The env's answer budget (its prompt spec's maxTokens); a policy uses it unless it was given its own. */
  maxTokens?: number;
}

export interface PolicyResponse {
  text: string;
  /** Token ids of the prompt as the server tokenised it. */
  promptIds?: ArrayLike<number>;
  /** Token ids of the response. */
  responseIds?: ArrayLike<number>;
  /** Per-token sampler log-probs of the response (same length as responseIds when both exist). */
  logprobs?: ArrayLike<number>;
  /** Token counts as the server reported them (OpenAI `usage`), when it did. */
  usage?: { promptTokens: number; completionTokens: number };
  /** Attempts this response took, the successful one included (HTTP policies; absent = 1). */
  attempts?: number;
}

/** A completion request whose prompt is token ids (token-in/token-out, promptMode 'conversation'). */
export interface TokenRequest {
  group: number;
  traj: number;
  step: number;
  /** The whole prompt, as ids; sent as is (no special tokens added, nothing re-tokenized). */
  promptIds: Int32Array;
  /** As PolicyRequest.maxTokens. */
  maxTokens?: number;
}

/**
 * The token-level capability of a text policy. A policy that has it can continue one growing
 * conversation per trajectory without ever decoding and re-encoding what it sampled: the engine
 * tokenizes only the new text it adds (observations, turn markers) and appends those ids to the
 * previous prompt and response ids exactly as they were.
 */
export interface TokenPolicy {
  /**
   * Token ids of `text` under the policy's tokenizer. `addSpecial`: prepend the tokens the model puts
   * at the start of a sequence (BOS); the engine asks for them only for a trajectory's first segment.
   * Special-token markup in `text` (chat-template markers) is parsed as those tokens.
   */
  tokenize(
    text: string,
    options: {
      addSpecial: boolean /** The step the text is for (names it in errors). */;
      request?: { group: number; traj: number; step: number };
    },
    signal?: AbortSignal,
  ): Promise<Int32Array>;
  /** One completion continuing `request.promptIds`. The response must carry responseIds (and logprobs). */
  completeIds(request: TokenRequest, signal?: AbortSignal): Promise<PolicyResponse>;
}

/** A policy that reads text and answers text (an LLM server, a JS function). */
export interface TextPolicy {
  readonly kind: 'text';
  readonly name: string;
  act(requests: readonly PolicyRequest[], signal?: AbortSignal): Promise<PolicyResponse[]>;
  /** Present when the policy can sample from token ids (needed by promptMode 'conversation'). */
  readonly tokens?: TokenPolicy;
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
