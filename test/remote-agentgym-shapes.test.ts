// AgentGym's servers answer in two dialects, and remote envs read both: ALFWorld's (and BabyAI's,
// SciWorld's, TextCraft's) `/create` -> {"id": n} and {observation, available_actions, ...}
// replies, which `gigpo serve-env` speaks, and WebShop's `/create` -> bare n, `/reset` ->
// [state, null], {state, reward, done, info} steps, {has_search_bar, clickables} actions. The
// WebShop-shaped front over our own server must give the rows of the in-process rollout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hashStrings, RolloutEngine, startEnvServer, type EnvServer } from '../lib/index.js';
import { http } from './helpers/env-server-client.js';
import { listedActionPolicy, plainRows } from './helpers/remote-rollouts.js';
import { startWebShopShaped, type WebShopShapedServer } from './fixtures/webshop-shaped-server.js';

const SEED = 5;
const engine = new RolloutEngine();
let server: EnvServer;
let front: WebShopShapedServer;

beforeAll(async () => {
  server = await startEnvServer({ env: 'shop', seed: SEED });
  front = await startWebShopShaped(server.url);
});
afterAll(async () => {
  await front?.close();
  await server?.close();
});

describe('AgentGym dialects', () => {
  it('serve-env answers /create with {"id": n, ...} (the ALFWorld shape), as its docs say', async () => {
    const created = await http(server.url, 'POST', '/create', {});
    expect(created.status).toBe(200);
    const id = (created.body as { id: unknown }).id;
    expect(Number.isInteger(id)).toBe(true);
    expect(created.body).toMatchObject({ id, done: false, reward: 0, data_idx: 0 });
    expect((await http(server.url, 'POST', '/close', { id })).body).toBe(true);
  });

  it('a WebShop-shaped server (bare id, [state, null], state/clickables) rolls out as in process', async () => {
    const policy = listedActionPolicy();
    // The front has no truncation flag (WebShop has none): the client's step limit, under the server's, ends episodes.
    const remote = await engine.collect({
      env: 'remote',
      remote: { url: front.url, protocol: 'agentgym', envName: 'shop', maxSteps: 6 },
      groups: 3,
      groupSize: 2,
      policy,
    });
    const local = await engine.collect({ env: 'shop', groups: 3, groupSize: 2, maxSteps: 6, policy, seed: SEED });
    const rows = plainRows(remote);
    // Without the server's anchor, a row's anchor is the hash of its observation text.
    for (const r of rows) expect(r.anchor).toBe(hashStrings([r.observation])[0].toString(16));
    const strip = (rs: typeof rows) => rs.map(({ anchor: _, ...rest }) => rest);
    expect(strip(rows)).toEqual(strip(plainRows(local)));
    expect(rows.length).toBe(local.numRows);
    expect(new Set(front.routes)).toEqual(new Set(['POST /create', 'POST /reset', 'GET /available_actions', 'POST /step', 'POST /close']));
    expect(front.routes.filter((r) => r === 'POST /create')).toHaveLength(6);
    expect(server.sessions()).toBe(6); // WebShop has no /close: the sessions stay until they idle out
  });
});
