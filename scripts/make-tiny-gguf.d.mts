// Types of scripts/make-tiny-gguf.mjs, for the tests and benchmarks that import it.
export declare const TINY_MODEL: Readonly<{
  vocabSize: number;
  embedding: number;
  blocks: number;
  heads: number;
  headsKv: number;
  feedForward: number;
  contextLength: number;
}>;
export declare const CHATML_TOKENS: string[];
export declare function tinyVocabulary(size?: number): { tokens: string[]; types: number[]; scores: number[] };
export declare function tinyGgufBytes(options?: { seed?: number }): Buffer;
export declare function writeTinyGguf(path: string, options?: { seed?: number }): string;
