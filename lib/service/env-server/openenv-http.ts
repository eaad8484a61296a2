// OpenEnv's HTTP routes: POST /reset, POST /step (stateless, as in OpenEnv: a fresh env per
// request; /step resets it to `seed` first), GET /state, /schema, /health, /metadata.
// Persistent sessions are on the WebSocket (/ws).
import type { EnvServerContext } from './context.js';
import { EnvServerError } from './errors.js';
import { openEnvState, resetOpenEnv, stepOpenEnv } from './openenv-messages.js';
import { readObject, type JsonObject } from './requests.js';
import { withTransientSession } from './transient.js';

export function openEnvReset(ctx: EnvServerContext, body: unknown): JsonObject {
  const request = body === undefined || body === null ? {} : readObject(body, 'body');
  return { ...withTransientSession(ctx, (s) => resetOpenEnv(ctx, s, request, 'body')) };
}

export function openEnvStep(ctx: EnvServerContext, body: unknown): JsonObject {
  const request = readObject(body, 'body');
  if (request.action === undefined)
    throw new EnvServerError('VALIDATION_ERROR', 'body.action: required (an object such as {"message": "..."})');
  return {
    ...withTransientSession(ctx, (s) => {
      resetOpenEnv(ctx, s, { seed: request.seed, member: request.member }, 'body');
      return stepOpenEnv(ctx, s, request.action, 'body.action');
    }),
  };
}

export function openEnvFreshState(ctx: EnvServerContext): JsonObject {
  return withTransientSession(ctx, (s) => openEnvState(ctx, s));
}

export function openEnvSchema(): JsonObject {
  return {
    action: {
      title: 'TextAction',
      type: 'object',
      properties: {
        message: { type: 'string', description: 'the agent response; the env parses its last <action>...</action>' },
        metadata: { type: 'object' },
      },
      required: ['message'],
      additionalProperties: false,
    },
    observation: {
      title: 'TextObservation',
      type: 'object',
      properties: {
        text: { type: 'string' },
        done: { type: 'boolean' },
        reward: { anyOf: [{ type: 'number' }, { type: 'null' }] },
        metadata: {
          type: 'object',
          properties: {
            anchor: { type: 'string', pattern: '^[0-9a-f]{16}$' },
            admissible_actions: { type: 'array', items: { type: 'string' } },
            valid: { type: 'boolean' },
            truncated: { type: 'boolean' },
            group_seed: { type: 'integer' },
            member: { type: 'integer' },
            step: { type: 'integer' },
          },
        },
      },
    },
    state: {
      title: 'State',
      type: 'object',
      properties: {
        episode_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        step_count: { type: 'integer', minimum: 0 },
      },
      additionalProperties: true,
    },
  };
}

export function openEnvMetadata(ctx: EnvServerContext, version: string): JsonObject {
  return {
    name: ctx.info.name,
    description: ctx.info.description,
    readme_content: null,
    version,
    author: null,
    documentation_url: null,
  };
}
