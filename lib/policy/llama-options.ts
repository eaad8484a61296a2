// Options of the in-process llama.cpp policy: their defaults and validation.
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import { GigpoArgumentError } from '../errors.js';
import { describeValue, integerOption, nonEmptyOption, numberOption } from './option-checks.js';

export interface LlamaPolicyOptions {
  /** Path of a GGUF model file. */
  model: string;
  /** Sequences decoded together in one llama.cpp context (requests in flight; default 4). */
  parallel?: number;
  /** Sampling temperature (default 1; 0 = greedy). */
  temperature?: number;
  /** Nucleus sampling top-p (default 1). */
  topP?: number;
  /**
   * Most tokens sampled per response. Default: each request's own budget (the env's answer budget,
   * which `gigpo envs` shows), else 256.
   */
  maxTokens?: number;
  /**
   * Base seed (default 0). Each request samples with a seed derived from (seed, traj, step), so a
   * response does not depend on which sequence served it or in which order requests came.
   */
  seed?: number;
  /** CPU threads of the context (default 1: on small machines more threads stall each other). */
  threads?: number;
  /** Tokens each sequence holds, prompt and response (default: the model's context, at most 4096). */
  contextSize?: number;
  /** A GBNF grammar every response must follow (llama.cpp grammar syntax), e.g. to allow only valid actions. */
  grammar?: string;
  /**
   * Generation ends right after the response text contains one of these (kept in the text and the
   * token ids). Default `['</action>']`, the end of the answer format of every env prompt.
   */
  stop?: string[];
  /**
   * Reuse the prompt prefix a sequence already holds (default true: the shared system prompt is
   * evaluated once per sequence). llama.cpp's results depend in the last bits on how tokens were
   * batched, so only `parallel: 1` with `prefixCache: false` repeats log-probs bit for bit and samples
   * the same whatever the order of requests; otherwise near-ties may sample differently.
   */
  prefixCache?: boolean;
  /** Policy name (default `llama:<file name>`). */
  name?: string;
}

export type ResolvedLlamaOptions = Required<Omit<LlamaPolicyOptions, 'grammar' | 'contextSize'>> & {
  grammar?: string;
  contextSize?: number;
};

const DEFAULT_STOP = ['</action>'];

export function resolveLlamaOptions(options: LlamaPolicyOptions): ResolvedLlamaOptions {
  if (typeof options !== 'object' || options === null) throw new GigpoArgumentError('llama', 'expected an options object');
  const o = options;
  const model = nonEmptyOption('llama.model', o.model);
  if (!existsSync(model) || !statSync(model).isFile())
    throw new GigpoArgumentError('llama.model', `no GGUF model file at ${JSON.stringify(model)}`);
  const resolved: ResolvedLlamaOptions = {
    model,
    parallel: integerOption('llama.parallel', o.parallel, 4, 1, 256),
    temperature: numberOption('llama.temperature', o.temperature, 1, 0, Number.MAX_VALUE),
    topP: numberOption('llama.topP', o.topP, 1, 0, 1, true),
    maxTokens: integerOption('llama.maxTokens', o.maxTokens, 0, 1, 1 << 20), // 0: the request's budget
    seed: integerOption('llama.seed', o.seed, 0, 0, Number.MAX_SAFE_INTEGER),
    threads: integerOption('llama.threads', o.threads, 1, 1, 256),
    stop: stopStrings(o.stop),
    prefixCache: o.prefixCache ?? true,
    name: o.name === undefined ? `llama:${basename(model)}` : nonEmptyOption('llama.name', o.name),
  };
  if (typeof resolved.prefixCache !== 'boolean')
    throw new GigpoArgumentError('llama.prefixCache', `must be a boolean, got ${describeValue(o.prefixCache)}`);
  if (o.contextSize !== undefined) resolved.contextSize = integerOption('llama.contextSize', o.contextSize, 0, 16, 1 << 20);
  if (o.grammar !== undefined) resolved.grammar = nonEmptyOption('llama.grammar', o.grammar);
  return resolved;
}

function stopStrings(value: unknown): string[] {
  if (value === undefined) return [...DEFAULT_STOP];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s.length > 0))
    throw new GigpoArgumentError('llama.stop', `must be an array of non-empty strings, got ${describeValue(value)}`);
  return [...value];
}
