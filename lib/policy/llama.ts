// A TextPolicy that runs a GGUF model in this process through llama.cpp (the optional package
// node-llama-cpp): no server needed. One llama.cpp context decodes `parallel` sequences together;
// each request takes a free sequence, reuses the prompt prefix that sequence already holds, and
// samples until an end-of-generation token, a stop string, maxTokens or the context's end. Every
// response carries its prompt and response token ids and the per-token log-probs of the
// distribution it was sampled from (after temperature, top-p and the grammar).
//
// The prompt is the model's own chat template (node-llama-cpp picks the wrapper from the GGUF's
// metadata; a model without one gets its general "### Human / ### Assistant" format).
import { GigpoArgumentError, GigpoDependencyError, GigpoInputError } from '../errors.js';
import { abortError } from '../util/abort.js';
import { integerOption, nonEmptyOption, numberOption } from './option-checks.js';
import { resolveLlamaOptions, type LlamaPolicyOptions, type ResolvedLlamaOptions } from './llama-options.js';
import type { LlamaBindings, LlamaContextSequenceLike, LlamaEngine, LlamaModelLike } from './llama-bindings.js';
import { PolicyRequestError } from './request-error.js';
import { checkRequests } from './requests.js';
import { Semaphore } from '../util/semaphore.js';
import type { ChatMessage, PolicyRequest, PolicyResponse, TextPolicy, TokenPolicy } from './types.js';

export type { LlamaPolicyOptions } from './llama-options.js';

const PACKAGE = 'node-llama-cpp';
const LABEL = 'llama policy';
const DEFAULT_CONTEXT = 4096;
const DEFAULT_MAX_TOKENS = 256; // when neither the options nor the request give a budget

/** A prompt given as token ids (the token-in/token-out path). */
export interface LlamaTokenRequest {
  group: number;
  traj: number;
  step: number;
  promptIds: ArrayLike<number>;
  /** The env's answer budget, as PolicyRequest.maxTokens: used unless the policy was given its own. */
  maxTokens?: number;
  /** Per-request sampling that replaces the policy's (a server serving many clients sets these). */
  sampling?: LlamaSampling;
}

/** What one response is sampled with. `seed` is the sampler's own seed (not the policy's base seed). */
export interface LlamaSampling {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
}

export interface LlamaPolicy extends TextPolicy {
  /** Loads the package, the model and the context (act() does it on first use). */
  load(): Promise<void>;
  /** Frees the context and the model; the policy can be loaded again afterwards. */
  close(): Promise<void>;
  /**
   * A policy on this one's model and context (loaded once, shared) that samples with its own
   * settings; `seed` is a base seed, per (traj, step) as this policy's own. Closing stays with this policy.
   */
  withSampling(sampling: LlamaSampling & { name?: string }): TextPolicy;
  /** Token-level access (promptMode 'conversation'): tokenize text, complete from token ids without re-encoding anything. */
  readonly tokens: TokenPolicy & {
    detokenize(ids: ArrayLike<number>): Promise<string>;
    /** The prompt ids act() would send for these messages (the model's chat template, open assistant turn). */
    chatPromptIds(messages: ChatMessage[]): Promise<Int32Array>;
    completeIds(request: LlamaTokenRequest, signal?: AbortSignal): Promise<PolicyResponse>;
  };
}

interface Slot {
  seq: LlamaContextSequenceLike;
  /** Trajectory this sequence served last: its next request shares the longest prefix. */
  traj: number;
}

export function llamaPolicy(options: LlamaPolicyOptions): LlamaPolicy {
  const o = resolveLlamaOptions(options);
  const slots = new Semaphore(o.parallel);
  let loading: Promise<LlamaEngine> | undefined;

  const engine = (): Promise<LlamaEngine> => {
    loading ??= loadEngine(o).catch((err: unknown) => {
      loading = undefined; // a failed load (say, the package missing) is retried by the next call
      throw err;
    });
    return loading;
  };

  async function run(
    request: PolicyRequest | LlamaTokenRequest,
    promptOf: (e: LlamaEngine) => number[],
    signal?: AbortSignal,
    params: Required<LlamaSampling> = sampling(o, request),
  ): Promise<PolicyResponse> {
    const e = await engine();
    const promptIds = promptOf(e);
    if (promptIds.length >= e.contextSize)
      throw new PolicyRequestError(LABEL, request, 1, {
        kind: 'context-length',
        detail: `prompt of ${promptIds.length} tokens does not fit the context of ${e.contextSize} tokens per sequence (maximum context length)`,
      });
    const release = await slots.acquire(signal);
    const slot = takeSlot(e.free, request.traj);
    try {
      return await generate(e, o, slot.seq, promptIds, params, signal);
    } finally {
      slot.traj = request.traj;
      e.free.push(slot);
      release();
    }
  }

  const policy: LlamaPolicy = {
    kind: 'text',
    name: o.name,
    async act(requests, signal) {
      checkRequests(requests);
      if (signal?.aborted) throw abortError(signal);
      return Promise.all(requests.map((r) => run(r, (e) => e.chatPrompt(r.messages), signal)));
    },
    async load() {
      await engine();
    },
    withSampling(own) {
      const base = {
        temperature: numberOption('sampling.temperature', own.temperature, o.temperature, 0, Number.MAX_VALUE),
        topP: numberOption('sampling.topP', own.topP, o.topP, 0, 1, true),
        maxTokens: integerOption('sampling.maxTokens', own.maxTokens, o.maxTokens, 1, 1 << 20),
        seed: integerOption('sampling.seed', own.seed, o.seed, 0, Number.MAX_SAFE_INTEGER),
      };
      const name = own.name === undefined ? o.name : nonEmptyOption('sampling.name', own.name);
      return {
        kind: 'text',
        name,
        async act(requests, signal) {
          checkRequests(requests);
          if (signal?.aborted) throw abortError(signal);
          return Promise.all(
            requests.map((r) => run(r, (e) => e.chatPrompt(r.messages), signal, { ...base, seed: requestSeed(base.seed, r.traj, r.step) })),
          );
        },
      };
    },
    async close() {
      const pending = loading;
      loading = undefined;
      if (pending) await (await pending.catch(() => undefined))?.dispose();
    },
    tokens: {
      async tokenize(text, { addSpecial }) {
        if (typeof text !== 'string') throw new GigpoArgumentError('text', 'expected a string');
        const e = await engine();
        return Int32Array.from(e.tokenize(text, addSpecial));
      },
      async detokenize(ids) {
        return (await engine()).model.detokenize(Array.from(ids), false);
      },
      async chatPromptIds(messages) {
        checkRequests([{ group: 0, traj: 0, step: 0, messages }]);
        return Int32Array.from((await engine()).chatPrompt(messages));
      },
      async completeIds(request, signal) {
        const ids = request?.promptIds;
        if (!ids || typeof ids.length !== 'number' || ids.length === 0)
          throw new GigpoArgumentError('request.promptIds', 'expected a non-empty array of token ids');
        return run(request, (e) => checkedIds(ids, e.vocabularySize), signal);
      },
    },
  };
  return policy;
}

function sampling(o: ResolvedLlamaOptions, request: PolicyRequest | LlamaTokenRequest): Required<LlamaSampling> {
  // The policy's own maxTokens wins over the request's budget (as the openai policy's does).
  const budget = o.maxTokens || integerOption('request.maxTokens', request.maxTokens, DEFAULT_MAX_TOKENS, 1, 1 << 20);
  const own = 'sampling' in request ? request.sampling : undefined;
  if (own === undefined)
    return { temperature: o.temperature, topP: o.topP, maxTokens: budget, seed: requestSeed(o.seed, request.traj, request.step) };
  return {
    temperature: numberOption('sampling.temperature', own.temperature, o.temperature, 0, Number.MAX_VALUE),
    topP: numberOption('sampling.topP', own.topP, o.topP, 0, 1, true),
    maxTokens: integerOption('sampling.maxTokens', own.maxTokens, budget, 1, 1 << 20),
    seed: integerOption('sampling.seed', own.seed, requestSeed(o.seed, request.traj, request.step), 0, Number.MAX_SAFE_INTEGER),
  };
}

/** A seed per (traj, step): the sample does not depend on scheduling. 32-bit mix of the three. */
function requestSeed(seed: number, traj: number, step: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.floor(seed / 0x100000000);
  h = Math.imul(h ^ (traj + 1), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15) ^ (step + 1), 0x27d4eb2f);
  h ^= h >>> 16;
  return h >>> 0;
}

function takeSlot(free: Slot[], traj: number): Slot {
  let k = free.findIndex((s) => s.traj === traj);
  if (k < 0) k = 0; // the one freed longest ago
  return free.splice(k, 1)[0];
}

async function generate(
  e: LlamaEngine,
  o: ResolvedLlamaOptions,
  seq: LlamaContextSequenceLike,
  promptIds: number[],
  params: Required<LlamaSampling>,
  signal?: AbortSignal,
): Promise<PolicyResponse> {
  // Keep what the sequence already holds of this prompt; at least the last prompt token is
  // evaluated again, for the logits of the first response token.
  const held = seq.contextTokens;
  let keep = 0;
  const limit = o.prefixCache ? Math.min(held.length, promptIds.length - 1) : 0;
  while (keep < limit && held[keep] === promptIds[keep]) keep++;
  if (keep < seq.nextTokenIndex) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);

  const budget = Math.min(params.maxTokens, e.contextSize - promptIds.length);
  const ids: number[] = [];
  const logprobs: number[] = [];
  let tail = ''; // recent response text, for the stop strings
  const longestStop = Math.max(0, ...o.stop.map((s) => s.length));
  const grammarEvaluationState = e.grammarState();
  const tokens = seq.evaluateWithMetadata(
    promptIds.slice(keep),
    { confidence: true },
    {
      temperature: params.temperature,
      topP: params.topP,
      topK: 0, // node-llama-cpp's default is 40; RL samples from the whole distribution
      seed: params.seed >>> 0,
      grammarEvaluationState,
    },
  );
  for await (const out of tokens) {
    if (signal?.aborted) break;
    ids.push(out.token);
    logprobs.push(Math.log(out.confidence));
    if (e.model.isEogToken(out.token) || ids.length >= budget) break;
    if (longestStop > 0) {
      tail = (tail + e.model.detokenize([out.token], false)).slice(-(longestStop + 64));
      if (o.stop.some((s) => tail.includes(s))) break;
    }
  }
  if (signal?.aborted) throw abortError(signal);
  return {
    text: e.model.detokenize(ids, false),
    promptIds: Int32Array.from(promptIds),
    responseIds: Int32Array.from(ids),
    logprobs: Float32Array.from(logprobs),
    usage: { promptTokens: promptIds.length, completionTokens: ids.length },
  };
}

async function loadEngine(o: ResolvedLlamaOptions): Promise<LlamaEngine> {
  let bindings: LlamaBindings;
  try {
    // A variable specifier: the package is optional, so neither TypeScript nor a bundler may require it.
    const name: string = PACKAGE;
    bindings = (await import(name)) as LlamaBindings;
  } catch (err) {
    throw new GigpoDependencyError(
      PACKAGE,
      `llamaPolicy runs models through the optional package ${PACKAGE}, which did not load (install it with \`npm install ${PACKAGE}\`)`,
      err,
    );
  }
  // No GPU probing and never a source build (that would download llama.cpp): the prebuilt CPU binary.
  const llama = await bindings.getLlama({ gpu: false, build: 'never', logLevel: bindings.LlamaLogLevel.error });
  let model: LlamaModelLike;
  try {
    model = await llama.loadModel({ modelPath: o.model });
  } catch (err) {
    await llama.dispose();
    throw new GigpoInputError(o.model, `cannot load the GGUF model: ${(err as Error).message}`);
  }
  const contextSize = o.contextSize ?? Math.min(model.trainContextSize || DEFAULT_CONTEXT, DEFAULT_CONTEXT);
  const context = await model.createContext({ sequences: o.parallel, contextSize, threads: o.threads });
  const grammar = o.grammar === undefined ? undefined : await createGrammar(llama, o.grammar);
  const wrapper = bindings.resolveChatWrapper(model);
  const free: Slot[] = Array.from({ length: o.parallel }, () => ({ seq: context.getSequence(), traj: -1 }));
  const tokenize = (text: string, addSpecial: boolean): number[] => {
    const ids = model.tokenize(text, true);
    return addSpecial && model.tokens.bos !== null && model.tokens.shouldPrependBosToken ? [model.tokens.bos, ...ids] : ids;
  };
  return {
    model,
    vocabularySize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? Number.MAX_SAFE_INTEGER,
    contextSize: context.contextSize,
    free,
    tokenize,
    chatPrompt(messages: ChatMessage[]) {
      const chatHistory = messages.map((m) =>
        m.role === 'assistant' ? { type: 'model' as const, response: [m.content] } : { type: m.role, text: m.content },
      );
      chatHistory.push({ type: 'model', response: [] }); // the open turn the model answers in
      return wrapper.generateContextState({ chatHistory }).contextText.tokenize(model.tokenizer);
    },
    grammarState: () => (grammar ? new bindings.LlamaGrammarEvaluationState({ model, grammar }) : undefined),
    async dispose() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

async function createGrammar(llama: Awaited<ReturnType<LlamaBindings['getLlama']>>, grammar: string) {
  try {
    return await llama.createGrammar({ grammar });
  } catch (err) {
    throw new GigpoArgumentError('llama.grammar', `is not a valid GBNF grammar: ${(err as Error).message}`);
  }
}

function checkedIds(ids: ArrayLike<number>, vocabularySize: number): number[] {
  const out = new Array<number>(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (!Number.isInteger(id) || id < 0 || id >= vocabularySize)
      throw new GigpoArgumentError(`request.promptIds[${k}]`, `expected a token id in [0, ${vocabularySize}), got ${String(id)}`);
    out[k] = id;
  }
  return out;
}
