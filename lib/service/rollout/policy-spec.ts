// The `policy` field of a request: { kind: 'openai' | 'llama' | 'oracle' | 'random', ... },
// checked once when the request arrives, then turned into a Policy for every job (a new
// one when the trainer announces weights at another baseURL). A llama spec is given its
// shared loaded model (RolloutServer, from LlamaModels) before any job runs.
import { createEnvBatch } from '../../envs/env-batch.js';
import { oraclePolicy, randomPolicy } from '../../policy/native.js';
import { llamaPolicy, type LlamaPolicy, type LlamaPolicyOptions } from '../../policy/llama.js';
import { openAIPolicy, type OpenAIPolicyOptions } from '../../policy/openai.js';
import type { Policy } from '../../policy/types.js';
import { describe, httpURL, number, object, type JsonObject } from './body-fields.js';
import { asHttpError, badField } from './http-error.js';
import { LLAMA_ENGINE_FIELDS, LLAMA_SAMPLING_FIELDS } from './llama-models.js';

export const POLICY_KINDS = ['openai', 'llama', 'oracle', 'random'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

const OPENAI_FIELDS = [
  'kind',
  'baseURL',
  'model',
  'apiKey',
  'temperature',
  'maxTokens',
  'topP',
  'concurrency',
  'timeoutMs',
  'retries',
  'retryBaseMs',
  'retryMaxMs',
  'extraBody',
  'headers',
  'returnTokenIds',
  'name',
] as const;

export interface PolicySpec {
  kind: PolicyKind;
  /** The checked fields as sent (openai, llama: the options of openAIPolicy, llamaPolicy). */
  fields: JsonObject;
  /** llama: the service's loaded model, shared (set by the server from LlamaModels). */
  model?: LlamaPolicy;
}

export function parsePolicySpec(value: unknown, env: string): PolicySpec {
  const kind = (value as JsonObject | null)?.kind;
  if (value !== null && typeof value === 'object' && !POLICY_KINDS.includes(kind as PolicyKind))
    throw badField('policy.kind', `expected one of ${POLICY_KINDS.map((k) => `'${k}'`).join(', ')}, got ${describe(kind)}`);
  switch (kind as PolicyKind) {
    case 'random':
      return { kind: 'random', fields: object(value, 'policy', ['kind']) };
    case 'oracle': {
      const fields = object(value, 'policy', ['kind', 'epsilon']);
      number(fields.epsilon, 'policy.epsilon', 0, 1, 0);
      if (!createEnvBatch({ env, numEnvs: 1 }).hasOracle) throw badField('policy.kind', `environment '${env}' has no oracle`);
      return { kind: 'oracle', fields };
    }
    case 'openai': {
      const fields = object(value, 'policy', OPENAI_FIELDS);
      httpURL(fields.baseURL, 'policy.baseURL');
      const spec: PolicySpec = { kind: 'openai', fields };
      buildPolicy(spec); // every other option checked by the policy itself
      return spec;
    }
    case 'llama': {
      const fields = object(value, 'policy', ['kind', ...LLAMA_ENGINE_FIELDS, ...LLAMA_SAMPLING_FIELDS]);
      try {
        llamaPolicy(llamaOptions(fields)); // checks every option (the model file exists) without loading
      } catch (err) {
        throw asHttpError(err, (path) => path.replace(/^llama\./, 'policy.'));
      }
      return { kind: 'llama', fields };
    }
    default:
      return object(value, 'policy', []) as never; // not an object: reported by object()
  }
}

/** A fresh Policy for `spec`; `baseURL` replaces the openai server (a policy announcement). */
export function buildPolicy(spec: PolicySpec, baseURL?: string): Policy {
  if (spec.kind === 'random') return randomPolicy();
  if (spec.kind === 'oracle') return oraclePolicy({ epsilon: (spec.fields.epsilon as number | undefined) ?? 0 });
  if (spec.kind === 'llama') {
    if (!spec.model) throw new Error('llama policy spec used before its model was attached');
    const f = spec.fields as Record<string, number | string | undefined>;
    return spec.model.withSampling({
      temperature: f.temperature as number,
      topP: f.topP as number,
      maxTokens: f.maxTokens as number,
      seed: f.seed as number,
      name: f.name as string,
    });
  }
  const { kind: _, ...options } = spec.fields;
  try {
    return openAIPolicy({ ...(options as unknown as OpenAIPolicyOptions), ...(baseURL ? { baseURL } : {}) });
  } catch (err) {
    throw asHttpError(err, (path) => path.replace(/^openai\./, 'policy.'));
  }
}

export function llamaOptions(fields: JsonObject): LlamaPolicyOptions {
  const { kind: _, ...options } = fields;
  return options as unknown as LlamaPolicyOptions;
}
