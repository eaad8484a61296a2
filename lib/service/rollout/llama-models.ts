// The GGUF models of `policy: { kind: 'llama' }` requests: each loaded once per service (per
// model file and engine settings) and shared by every rollout and stream that names it; each
// request samples with its own temperature, topP, maxTokens and seed. Closed on shutdown.
import { realpathSync } from 'node:fs';

import { GigpoDependencyError, GigpoInputError } from '../../errors.js';
import { llamaPolicy, type LlamaPolicy, type LlamaPolicyOptions } from '../../policy/llama.js';
import { HttpError, asHttpError, badField } from './http-error.js';

/** The fields that shape the loaded model and context (the rest are per-request sampling). */
export const LLAMA_ENGINE_FIELDS = ['model', 'parallel', 'threads', 'contextSize', 'grammar', 'stop', 'prefixCache'] as const;
export const LLAMA_SAMPLING_FIELDS = ['temperature', 'topP', 'maxTokens', 'seed', 'name'] as const;

export class LlamaModels {
  private readonly models = new Map<string, Promise<LlamaPolicy>>();
  private closed = false;

  get size(): number {
    return this.models.size;
  }

  /** The shared, loaded model for these options (loading it on first use). */
  async get(options: LlamaPolicyOptions): Promise<LlamaPolicy> {
    if (this.closed) throw new HttpError('unavailable', 'the server is shutting down');
    const engine = Object.fromEntries(LLAMA_ENGINE_FIELDS.map((k) => [k, options[k]]));
    engine.model = realpathSync(options.model); // checked to exist by the request's parse
    const key = JSON.stringify(engine);
    let loading = this.models.get(key);
    if (!loading) {
      const policy = llamaPolicy(engine as unknown as LlamaPolicyOptions);
      loading = policy.load().then(
        () => policy,
        (err: unknown) => {
          this.models.delete(key); // a failed load is tried again by the next request
          throw loadError(err);
        },
      );
      this.models.set(key, loading);
    }
    return loading;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.models.values()];
    this.models.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
  }
}

function loadError(err: unknown): unknown {
  if (err instanceof GigpoDependencyError)
    return new HttpError(
      'not_implemented',
      `'llama' needs the optional package ${err.packageName}, which this server cannot load (install it with \`npm install ${err.packageName}\` where gigpo serve runs): ${err.message}`,
      'policy.kind',
    );
  if (err instanceof GigpoInputError) return badField('policy.model', err.message);
  return asHttpError(err, (path) => path.replace(/^llama\./, 'policy.'));
}
