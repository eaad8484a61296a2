// `gigpo rollout --policy llama`: the llama.cpp policy from the rollout flags. The model file,
// the grammar file and the options are checked before any output is opened; the package and
// the model are loaded then too, so a missing node-llama-cpp fails before anything is written.
import { readFileSync } from 'node:fs';

import { GigpoArgumentError, GigpoRangeError } from '../errors.js';
import { llamaPolicy, type LlamaPolicy } from '../policy/llama.js';
import { UsageError } from './options.js';

export interface LlamaFlags {
  model?: string;
  temperature?: number;
  maxTokens?: number;
  parallel?: number;
  grammar?: string;
  seed: number;
  threads: number;
}

export async function llamaPolicyOf(flags: LlamaFlags): Promise<LlamaPolicy> {
  if (!flags.model) throw new UsageError('--policy llama needs --model FILE.gguf');
  let grammar: string | undefined;
  if (flags.grammar !== undefined) {
    try {
      grammar = readFileSync(flags.grammar, 'utf8');
    } catch (err) {
      throw new UsageError(`--grammar: cannot read ${flags.grammar}: ${(err as Error).message}`);
    }
  }
  let policy: LlamaPolicy;
  try {
    policy = llamaPolicy({
      model: flags.model,
      temperature: flags.temperature,
      maxTokens: flags.maxTokens,
      parallel: flags.parallel,
      seed: flags.seed,
      threads: flags.threads,
      grammar,
    });
  } catch (err) {
    if (err instanceof GigpoArgumentError || err instanceof GigpoRangeError) throw new UsageError(`--policy llama: ${err.message}`);
    throw err;
  }
  try {
    await policy.load();
  } catch (err) {
    if (err instanceof GigpoArgumentError || err instanceof GigpoRangeError) throw new UsageError(`--grammar: ${err.message}`);
    throw err;
  }
  return policy;
}
