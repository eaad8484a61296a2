// The part of node-llama-cpp's API that the llama policy uses, written out as structural types:
// the package is an optional dependency, so the library must type-check and load without it.
import type { ChatMessage } from './types.js';

export interface LlamaModelLike {
  readonly trainContextSize: number;
  readonly fileInfo: { readonly metadata: { readonly tokenizer?: { readonly ggml?: { readonly tokens?: readonly string[] } } } };
  readonly tokenizer: unknown;
  readonly tokens: { readonly bos: number | null; readonly shouldPrependBosToken: boolean };
  tokenize(text: string, specialTokens?: boolean): number[];
  detokenize(tokens: readonly number[], specialTokens?: boolean): string;
  isEogToken(token: number): boolean;
  createContext(options: { sequences: number; contextSize: number; threads: number }): Promise<LlamaContextLike>;
  dispose(): Promise<void>;
}

export interface LlamaContextLike {
  readonly contextSize: number;
  getSequence(): LlamaContextSequenceLike;
  dispose(): Promise<void>;
}

export interface LlamaContextSequenceLike {
  readonly contextTokens: number[];
  readonly nextTokenIndex: number;
  eraseContextTokenRanges(ranges: { start: number; end: number }[]): Promise<void>;
  evaluateWithMetadata(
    tokens: number[],
    metadata: { confidence: true },
    options: { temperature: number; topP: number; topK: number; seed: number; grammarEvaluationState?: unknown },
  ): AsyncGenerator<{ token: number; confidence: number }>;
}

interface LlamaLike {
  loadModel(options: { modelPath: string }): Promise<LlamaModelLike>;
  createGrammar(options: { grammar: string }): Promise<unknown>;
  dispose(): Promise<void>;
}

type ChatHistoryItem = { type: 'system' | 'user'; text: string } | { type: 'model'; response: string[] };

/** The module namespace of node-llama-cpp, as far as it is used. */
export interface LlamaBindings {
  getLlama(options: { gpu: false; build: 'never'; logLevel: unknown }): Promise<LlamaLike>;
  LlamaLogLevel: { error: unknown };
  LlamaGrammarEvaluationState: new (options: { model: LlamaModelLike; grammar: unknown }) => unknown;
  resolveChatWrapper(model: LlamaModelLike): {
    generateContextState(options: { chatHistory: ChatHistoryItem[] }): { contextText: { tokenize(tokenizer: unknown): number[] } };
  };
}

/** A loaded model and context, ready to serve requests. */
export interface LlamaEngine {
  readonly model: LlamaModelLike;
  /** Token ids are below this. */
  readonly vocabularySize: number;
  /** Tokens per sequence. */
  readonly contextSize: number;
  /** Sequences not serving a request now. */
  readonly free: { seq: LlamaContextSequenceLike; traj: number }[];
  /** Token ids of `text`; special-token markup is parsed; `addSpecial` prepends BOS where the model wants it. */
  tokenize(text: string, addSpecial: boolean): number[];
  /** The prompt ids of a chat under the model's template, ending in the open assistant turn. */
  chatPrompt(messages: ChatMessage[]): number[];
  /** A fresh grammar state per response, when a grammar is set. */
  grammarState(): unknown;
  dispose(): Promise<void>;
}
