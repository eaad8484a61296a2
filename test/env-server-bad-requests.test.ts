// Bad requests of many kinds, each answered with a 4xx JSON error (or an error frame) that
// names the problem, while 64 WebSocket sessions keep stepping and stay exactly equal to
// in-process stepping of the same envs.
import { afterAll, beforeAll, expect, it } from 'vitest';

import { createEnvBatch } from '../lib/index.js';
import { startEnvServer, type EnvServer } from '../lib/service/env-server/server.js';
import { http, WsSession, type HttpReply, type Json } from './helpers/env-server-client.js';

const SESSIONS = 64;
const SEED = 3;
const ACTIONS = ['up', 'left', 'down', 'right', 'left', 'up', 'right', 'down'];
let server: EnvServer;

beforeAll(async () => {
  // 64 stepping sessions + 1 AgentGym session the bad requests aim at + 1 spare slot.
  server = await startEnvServer({ env: 'sokoban', seed: SEED, maxSessions: SESSIONS + 2, maxBodyBytes: 4096, maxActionChars: 200 });
});
afterAll(async () => server.close());

/**
 * The 64 good clients: reset to task i, then step ACTIONS in a cycle (resetting when an
 * episode ends) until the bad requests are over, checking every reply against in-process stepping.
 */
async function goodClients(badRequestsOver: () => boolean): Promise<number> {
  let checked = 0;
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, i) => {
      const ref = createEnvBatch({ env: 'sokoban', numEnvs: 1, seed: SEED });
      const ws = new WsSession(server.url);
      await ws.opened;
      const reset = async () => {
        ref.resetAt(new Uint32Array([0]), new Uint32Array([i]), new Uint32Array([0]));
        const reply = (await ws.send({ type: 'reset', data: { seed: i } })) as { data: { observation: { text: string } } };
        expect(reply.data.observation.text).toBe(ref.observation(0));
      };
      await reset();
      for (let t = 0; !badRequestsOver() || t < ACTIONS.length; t++) {
        const text = `<action>${ACTIONS[t % ACTIONS.length]}</action>`;
        ref.stepText([text]);
        const reply = (await ws.send({ type: 'step', data: { message: text } })) as { type: string; data: Json };
        const data = reply.data as { observation: { text: string; metadata: Json }; reward: number; done: boolean };
        expect(reply.type).toBe('observation');
        expect(data.observation.text).toBe(ref.observation(0));
        expect(Math.fround(data.reward)).toBe(ref.rewards[0]);
        expect(data.observation.metadata.anchor).toBe(ref.anchors[0].toString(16).padStart(16, '0'));
        checked++;
        if (data.done) await reset();
        await new Promise((r) => setTimeout(r, 1));
      }
      ws.close();
    }),
  );
  return checked;
}

function expectError(reply: HttpReply, status: number, code: string, mentions: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const body = reply.body as Json;
  expect(body.code).toBe(code);
  expect(body.error).toContain(mentions);
  expect(body.detail).toBe(body.error);
}

function expectFrame(reply: Json, code: string, mentions: string): void {
  expect(reply.type).toBe('error');
  expect((reply.data as Json).code).toBe(code);
  expect((reply.data as Json).message).toContain(mentions);
}

async function badRequests(): Promise<number> {
  const url = server.url;
  const id = ((await http(url, 'POST', '/create')).body as Json).id as number;
  const kinds: Array<[string, () => Promise<void>]> = [
    [
      'malformed JSON',
      async () =>
        expectError(
          await http(url, 'POST', '/step', undefined, { text: '{"id": 1,', type: 'application/json' }),
          400,
          'INVALID_JSON',
          'JSON',
        ),
    ],
    [
      'empty JSON body',
      async () =>
        expectError(await http(url, 'POST', '/reset', undefined, { text: '', type: 'application/json' }), 400, 'INVALID_JSON', 'empty'),
    ],
    [
      'oversized body',
      async () => expectError(await http(url, 'POST', '/step', { id, action: 'x'.repeat(5000) }), 413, 'PAYLOAD_TOO_LARGE', 'request body'),
    ],
    [
      'unsupported media type',
      async () =>
        expectError(
          await http(url, 'POST', '/step', undefined, { text: '<a/>', type: 'application/xml' }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'Media Type',
        ),
    ],
    [
      'body not an object',
      async () => expectError(await http(url, 'POST', '/step', [1, 2]), 422, 'VALIDATION_ERROR', 'body: expected a JSON object'),
    ],
    [
      'unknown session',
      async () =>
        expectError(await http(url, 'POST', '/step', { id: 9999, action: 'up' }), 404, 'UNKNOWN_SESSION', 'session 9999 does not exist'),
    ],
    [
      'session id of the wrong type',
      async () => expectError(await http(url, 'POST', '/step', { id: 'abc', action: 'up' }), 422, 'VALIDATION_ERROR', 'body.id'),
    ],
    [
      'action not a string',
      async () =>
        expectError(await http(url, 'POST', '/step', { id, action: 42 }), 422, 'VALIDATION_ERROR', 'body.action: expected a string'),
    ],
    [
      'action too long',
      async () => expectError(await http(url, 'POST', '/step', { id, action: 'y'.repeat(300) }), 413, 'ACTION_TOO_LONG', 'at most 200'),
    ],
    [
      'negative data_idx',
      async () => expectError(await http(url, 'POST', '/reset', { id, data_idx: -1 }), 422, 'VALIDATION_ERROR', 'body.data_idx'),
    ],
    [
      'fractional data_idx',
      async () => expectError(await http(url, 'POST', '/reset', { id, data_idx: 1.5 }), 422, 'VALIDATION_ERROR', 'body.data_idx'),
    ],
    ['query without id', async () => expectError(await http(url, 'GET', '/observation'), 422, 'VALIDATION_ERROR', 'query.id: required')],
    ['unknown route', async () => expectError(await http(url, 'POST', '/teleport', {}), 404, 'NOT_FOUND', 'POST /teleport')],
    ['wrong method', async () => expectError(await http(url, 'GET', '/step'), 404, 'NOT_FOUND', 'GET /step')],
    [
      'OpenEnv action not an object',
      async () =>
        expectError(await http(url, 'POST', '/step', { action: 'up' }), 422, 'VALIDATION_ERROR', 'body.action: expected a JSON object'),
    ],
    [
      'OpenEnv action with an unknown field',
      async () =>
        expectError(
          await http(url, 'POST', '/step', { action: { message: 'up', force: true } }),
          422,
          'VALIDATION_ERROR',
          'body.action.force: unknown field',
        ),
    ],
    [
      'OpenEnv step without action',
      async () => expectError(await http(url, 'POST', '/step', { seed: 1 }), 422, 'VALIDATION_ERROR', 'body.action: required'),
    ],
    [
      'OpenEnv seed out of range',
      async () => expectError(await http(url, 'POST', '/reset', { seed: 2 ** 40 }), 422, 'VALIDATION_ERROR', 'body.seed'),
    ],
    [
      'OpenEnv episode_id of the wrong type',
      async () => expectError(await http(url, 'POST', '/reset', { episode_id: 7 }), 422, 'VALIDATION_ERROR', 'body.episode_id'),
    ],
    [
      'step after the episode ended',
      async () => {
        // 'up' forever ends the episode by the step limit at the latest.
        const other = ((await http(url, 'POST', '/create')).body as Json).id as number;
        let done = false;
        for (let t = 0; t < 1000 && !done; t++)
          done = ((await http(url, 'POST', '/step', { id: other, action: '<action>up</action>' })).body as Json).done as boolean;
        expect(done).toBe(true);
        expectError(await http(url, 'POST', '/step', { id: other, action: '<action>up</action>' }), 409, 'EPISODE_DONE', 'has ended');
        expect((await http(url, 'POST', '/close', { id: other })).body).toBe(true);
      },
    ],
    [
      'closed session',
      async () => {
        const other = ((await http(url, 'POST', '/create')).body as Json).id as number;
        await http(url, 'POST', '/close', { id: other });
        expectError(await http(url, 'POST', '/step', { id: other, action: 'up' }), 404, 'UNKNOWN_SESSION', `session ${other} was closed`);
      },
    ],
    [
      'too many sessions (HTTP and WebSocket)',
      async () => {
        // Fill every free slot (how many are free depends on how far the good clients are).
        const extra: number[] = [];
        let refused: HttpReply | undefined;
        while (!refused && extra.length <= SESSIONS + 2) {
          const r = await http(url, 'POST', '/create');
          if (r.status === 200) extra.push((r.body as Json).id as number);
          else refused = r;
        }
        expectError(refused!, 429, 'CAPACITY_REACHED', `all ${SESSIONS + 2} sessions are in use`);
        const ws = new WsSession(url);
        expect(await ws.closed).toBe(1013);
        expectFrame(ws.unsolicited[0], 'CAPACITY_REACHED', 'sessions are in use');
        for (const other of extra) await http(url, 'POST', '/close', { id: other });
      },
    ],
    [
      'WebSocket frames: bad JSON, binary, unknown type, missing data, extra field, step before reset',
      async () => {
        const ws = new WsSession(url);
        await ws.opened;
        expectFrame(await ws.sendRaw('{"type": "reset"'), 'INVALID_JSON', 'invalid JSON');
        expectFrame(await ws.sendRaw(Buffer.from('{}'), true), 'INVALID_JSON', 'binary frame');
        expectFrame(await ws.send({ type: 'jump' }), 'UNKNOWN_TYPE', '"jump"');
        expectFrame(await ws.sendRaw('[1]'), 'VALIDATION_ERROR', 'message: expected a JSON object');
        expectFrame(await ws.send({ type: 'step', data: { message: 'up' } }), 'EPISODE_NOT_STARTED', 'reset before stepping');
        expectFrame(await ws.send({ type: 'reset', data: { seed: 'x' } }), 'VALIDATION_ERROR', 'message.data.seed');
        expectFrame(await ws.send({ type: 'reset', extra: 1 }), 'VALIDATION_ERROR', 'message.extra: unknown field');
        expect((await ws.send({ type: 'reset', data: { seed: 2 } })).type).toBe('observation');
        expectFrame(await ws.send({ type: 'step' }), 'VALIDATION_ERROR', 'a step needs the action');
        expectFrame(await ws.send({ type: 'step', data: { message: 'z'.repeat(201) } }), 'ACTION_TOO_LONG', 'at most 200');
        // The session survived all of that.
        expect((await ws.send({ type: 'step', data: { message: '<action>up</action>' } })).type).toBe('observation');
        // A frame over the size bound ends the socket (ws: close 1009, message too big).
        ws.fire('x'.repeat(5000));
        expect(await ws.closed).toBe(1009);
      },
    ],
  ];
  for (const [name, run] of kinds) {
    try {
      await run();
    } catch (err) {
      throw new Error(`bad request kind "${name}": ${(err as Error).message}`, { cause: err });
    }
    await new Promise((r) => setImmediate(r));
  }
  await http(url, 'POST', '/close', { id });
  return kinds.length;
}

it('answers >= 15 kinds of bad request with 4xx errors while 64 sessions step correctly', async () => {
  let over = false;
  const good = goodClients(() => over);
  const kinds = await badRequests().finally(() => (over = true));
  const checked = await good;
  expect(kinds).toBeGreaterThanOrEqual(15);
  expect(checked).toBeGreaterThanOrEqual(SESSIONS * 4);
  expect((await http(server.url, 'GET', '/health')).body).toEqual({ status: 'healthy' });
});
