// gigpo serve-env's protocols against in-process stepping of the same env: every session of
// task g, member m must see exactly what env (g, m) of an in-process batch with the server's
// seed sees (text, reward, done, truncated, valid, anchor), over OpenEnv's WebSocket and
// AgentGym's HTTP routes; plus the shapes of the remaining routes and idle expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEnvBatch, type EnvBatch, type EnvOptions } from '../lib/index.js';
import { admissibleActions } from '../lib/envs/admissible.js';
import { startEnvServer, type EnvServer } from '../lib/service/env-server/server.js';
import { eventually, http, WsSession, type Json } from './helpers/env-server-client.js';

const SEED = 11;

/** The action text env i of `batch` plays next: the oracle's where there is one, else a fixed cycle. */
function nextAction(batch: EnvBatch, i: number, t: number): string {
  if (batch.hasOracle && t % 3 !== 2) return `<action>${batch.actionName(i, batch.oracleActions()[i])}</action>`;
  return `<action>${batch.actionName(i, (t * 7 + i) % Math.max(1, batch.numActions))}</action>`;
}

interface Seen {
  text: string;
  reward: number | null;
  done: boolean;
  truncated: boolean;
  valid: boolean;
  anchor: string;
  admissible: readonly string[];
}

function expected(batch: EnvBatch, i: number, afterReset: boolean): Seen {
  return {
    text: batch.observation(i),
    reward: afterReset ? null : batch.rewards[i],
    done: batch.done[i] === 1 || batch.truncated[i] === 1,
    truncated: batch.truncated[i] === 1,
    valid: batch.valid[i] === 1,
    anchor: batch.anchors[i].toString(16).padStart(16, '0'),
    admissible: admissibleActions(batch, i),
  };
}

function fromOpenEnv(reply: Json): Seen {
  expect(reply.type).toBe('observation');
  const data = reply.data as { observation: { text: string; metadata: Json }; reward: number | null; done: boolean };
  const meta = data.observation.metadata;
  return {
    text: data.observation.text,
    reward: data.reward === null ? null : Math.fround(data.reward),
    done: data.done,
    truncated: meta.truncated as boolean,
    valid: meta.valid as boolean,
    anchor: meta.anchor as string,
    admissible: meta.admissible_actions as string[],
  };
}

function fromAgentGym(body: Json, afterReset: boolean): Seen {
  return {
    text: body.observation as string,
    reward: afterReset ? null : Math.fround(body.reward as number),
    done: body.done as boolean,
    truncated: body.truncated as boolean,
    valid: body.valid as boolean,
    anchor: body.anchor as string,
    admissible: body.available_actions as string[],
  };
}

interface RemoteSession {
  reset: () => Promise<Seen>;
  step: (text: string) => Promise<Seen>;
  end: () => Promise<void>;
}
type Remote = (task: number, member: number) => Promise<RemoteSession>;

/** Plays groups x groupSize sessions through `remote` and the same envs in process, comparing every step. */
async function compareWithInProcess(env: string, options: EnvOptions, groups: number, groupSize: number, remote: Remote): Promise<number> {
  const batch = createEnvBatch({ env, numEnvs: groups * groupSize, groupSize, seed: SEED, options });
  const sessions: RemoteSession[] = [];
  for (let i = 0; i < batch.numEnvs; i++) {
    const s = await remote(Math.floor(i / groupSize), i % groupSize);
    expect(await s.reset()).toEqual(expected(batch, i, true));
    sessions.push(s);
  }
  const live = new Set(sessions.keys());
  let compared = 0;
  for (let t = 0; live.size > 0; t++) {
    const texts = Array.from({ length: batch.numEnvs }, (_, i) => nextAction(batch, i, t));
    const held = texts.map((text, i) => (live.has(i) ? text : null));
    batch.stepText(held);
    await Promise.all(
      [...live].map(async (i) => {
        expect(await sessions[i].step(texts[i])).toEqual(expected(batch, i, false));
        compared++;
        if (batch.done[i] || batch.truncated[i]) live.delete(i);
      }),
    );
  }
  await Promise.all(sessions.map((s) => s.end()));
  return compared;
}

function openEnvRemote(url: string): Remote {
  return async (task, member) => {
    const ws = new WsSession(url);
    await ws.opened;
    return {
      reset: async () => fromOpenEnv(await ws.send({ type: 'reset', data: { seed: task, member } })),
      step: async (text) => fromOpenEnv(await ws.send({ type: 'step', data: { message: text } })),
      end: async () => {
        ws.fire(JSON.stringify({ type: 'close' }));
        expect(await ws.closed).toBe(1000);
      },
    };
  };
}

function agentGymRemote(url: string): Remote {
  return async (task, member) => {
    const created = await http(url, 'POST', '/create');
    expect(created.status).toBe(200);
    const id = (created.body as Json).id as number;
    return {
      reset: async () => {
        const r = await http(url, 'POST', '/reset', { id, data_idx: task, member });
        expect(r.status).toBe(200);
        expect((r.body as Json).id).toBe(id);
        return fromAgentGym(r.body as Json, true);
      },
      step: async (action) => {
        // WebShop's clients name the session env_idx; both must work.
        const r = await http(url, 'POST', '/step', id % 2 ? { id, action } : { env_idx: id, action });
        expect(r.status).toBe(200);
        return fromAgentGym(r.body as Json, false);
      },
      end: async () => {
        const r = await http(url, 'POST', '/close', { id });
        expect(r).toEqual({ status: 200, body: true });
      },
    };
  };
}

const ENVS: Array<[string, EnvOptions, number, number]> = [
  ['sokoban', {}, 4, 2],
  ['frozenlake', { slippery: true }, 3, 3],
  ['household', { maxSteps: 12 }, 2, 2],
  ['shop', {}, 2, 2],
];

describe.each(ENVS)('serve-env %s', (env, options, groups, groupSize) => {
  let server: EnvServer;
  beforeAll(async () => {
    server = await startEnvServer({ env, options, seed: SEED, maxSessions: 32 });
  });
  afterAll(async () => server.close());

  it('OpenEnv WebSocket sessions equal in-process stepping, step for step', async () => {
    const steps = await compareWithInProcess(env, options, groups, groupSize, openEnvRemote(server.url));
    expect(steps).toBeGreaterThan(groups * groupSize);
    await eventually(() => server.sessions() === 0);
  });

  it('AgentGym sessions equal in-process stepping, step for step', async () => {
    const steps = await compareWithInProcess(env, options, groups, groupSize, agentGymRemote(server.url));
    expect(steps).toBeGreaterThan(groups * groupSize);
    expect(server.sessions()).toBe(0);
  });
});

describe('serve-env routes', () => {
  let server: EnvServer;
  beforeAll(async () => {
    server = await startEnvServer({ env: 'sokoban', seed: SEED, maxSessions: 8 });
  });
  afterAll(async () => server.close());

  it('same seed, same start; another seed, another start (group semantics over the wire)', async () => {
    const a = new WsSession(server.url);
    const b = new WsSession(server.url);
    await Promise.all([a.opened, b.opened]);
    const [ra, rb] = await Promise.all([a.send({ type: 'reset', data: { seed: 5 } }), b.send({ type: 'reset', data: { seed: 5 } })]);
    expect(ra).toEqual(rb);
    const rc = await b.send({ type: 'reset', data: { seed: 6 } });
    expect(fromOpenEnv(rc).anchor).not.toBe(fromOpenEnv(ra).anchor);
    const state = await a.send({ type: 'state' });
    expect(state).toEqual({
      type: 'state',
      data: { episode_id: null, step_count: 0, env: 'sokoban', group_seed: 5, member: 0, anchor: fromOpenEnv(ra).anchor, done: false },
    });
    a.close();
    b.close();
  });

  it('OpenEnv HTTP: stateless /reset and /step, /state, /schema, /health, /metadata', async () => {
    const batch = createEnvBatch({ env: 'sokoban', numEnvs: 4, seed: SEED });
    const reset = await http(server.url, 'POST', '/reset', { seed: 3, episode_id: 'e1' });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({
      observation: {
        text: batch.observation(3),
        metadata: {
          anchor: expected(batch, 3, true).anchor,
          admissible_actions: ['up', 'down', 'left', 'right'],
          valid: true,
          truncated: false,
          group_seed: 3,
          member: 0,
          step: 0,
        },
      },
      reward: null,
      done: false,
    });
    const step = await http(server.url, 'POST', '/step', { action: { message: '<action>down</action>' }, seed: 3 });
    batch.stepText([null, null, null, '<action>down</action>']);
    expect(step.status).toBe(200);
    const body = step.body as { observation: { text: string; metadata: Json }; reward: number; done: boolean };
    expect(body.observation.text).toBe(batch.observation(3));
    expect(Math.fround(body.reward)).toBe(batch.rewards[3]);
    expect(body.observation.metadata.step).toBe(1);
    expect((await http(server.url, 'GET', '/health')).body).toEqual({ status: 'healthy' });
    const meta = (await http(server.url, 'GET', '/metadata')).body as Json;
    expect(meta.name).toBe('sokoban');
    expect(Object.keys(meta).sort()).toEqual(['author', 'description', 'documentation_url', 'name', 'readme_content', 'version']);
    const schema = (await http(server.url, 'GET', '/schema')).body as Json;
    expect(Object.keys(schema).sort()).toEqual(['action', 'observation', 'state']);
    expect((schema.action as Json).required).toEqual(['message']);
    expect((await http(server.url, 'GET', '/state')).body).toMatchObject({ episode_id: null, step_count: 0 });
    expect(server.sessions()).toBe(0);
  });

  it('AgentGym: /observation, /available_actions, /detail, ALFWorld `game` and WebShop `session_id` as data_idx', async () => {
    const batch = createEnvBatch({ env: 'sokoban', numEnvs: 8, seed: SEED });
    const id = ((await http(server.url, 'POST', '/create', {})).body as Json).id as number;
    for (const [field, task] of [
      ['game', 4],
      ['session_id', 6],
      ['data_idx', 7],
    ] as const) {
      const r = await http(server.url, 'POST', '/reset', { id, [field]: task, world_type: 'Text' });
      expect((r.body as Json).observation).toBe(batch.observation(task));
      expect((r.body as Json).data_idx).toBe(task);
    }
    expect((await http(server.url, 'GET', `/observation?id=${id}`)).body).toBe(batch.observation(7));
    expect((await http(server.url, 'GET', `/available_actions?env_idx=${id}`)).body).toEqual(['up', 'down', 'left', 'right']);
    const detail = (await http(server.url, 'GET', `/detail?id=${id}`)).body as Json;
    expect(detail).toMatchObject({ id, data_idx: 7, member: 0, step: 0, done: false, deleted: false, observation: batch.observation(7) });
    expect((await http(server.url, 'POST', '/close', { id })).body).toBe(true);
    expect((await http(server.url, 'GET', `/detail?id=${id}`)).status).toBe(404);
  });
});

describe('serve-env idle expiry', () => {
  it('closes idle sessions: AgentGym answers 410, a WebSocket gets SESSION_EXPIRED and is closed', async () => {
    const server = await startEnvServer({ env: 'numberline', idleTimeoutS: 0.15, maxSessions: 4 });
    try {
      const id = ((await http(server.url, 'POST', '/create')).body as Json).id as number;
      const ws = new WsSession(server.url);
      await ws.opened;
      await ws.send({ type: 'reset', data: { seed: 1 } });
      expect(server.sessions()).toBe(2);
      expect(await ws.closed).toBe(1000);
      expect(ws.unsolicited).toEqual([{ type: 'error', data: { code: 'SESSION_EXPIRED', message: expect.stringContaining('expired') } }]);
      const r = await http(server.url, 'POST', '/step', { id, action: '<action>+</action>' });
      expect(r.status).toBe(410);
      expect(r.body).toMatchObject({ code: 'SESSION_EXPIRED', error: expect.stringContaining(`session ${id} expired`) });
      expect(server.sessions()).toBe(0);
    } finally {
      await server.close();
    }
  });
});
