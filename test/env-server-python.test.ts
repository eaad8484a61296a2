// python/examples/play_serve_env.py plays a real `gigpo serve-env` process with each
// protocol's own client style (urllib for AgentGym, websockets for OpenEnv); every step it
// prints must equal in-process stepping of the same env, task and actions.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEnvBatch } from '../lib/index.js';
import { admissibleActions } from '../lib/envs/admissible.js';
import { projectRoot } from './helpers/cli.js';
import { requirePython } from './helpers/python.js';
import { startServeEnv, type ServeEnvProcess } from './helpers/serve-env.js';

const example = join(projectRoot, 'python', 'examples', 'play_serve_env.py');
const SEED = 5;

interface Line {
  step: number;
  observation: string;
  reward: number;
  done: boolean;
  anchor: string;
  action: string | null;
}

/** What the example's agent sees and does, replayed in process. */
function replay(env: string, task: number, maxSteps: number): Line[] {
  const b = createEnvBatch({ env, numEnvs: 1, seed: SEED });
  b.resetAt(new Uint32Array([0]), new Uint32Array([task]), new Uint32Array([0]));
  const hex = () => b.anchors[0].toString(16).padStart(16, '0');
  const out: Line[] = [{ step: 0, observation: b.observation(0), reward: 0, done: false, anchor: hex(), action: null }];
  for (let t = 0; t < maxSteps; t++) {
    const admissible = admissibleActions(b, 0);
    const action = admissible[(3 * t + task) % admissible.length];
    b.stepText([`<action>${action}</action>`]);
    const done = b.done[0] === 1 || b.truncated[0] === 1;
    out.push({ step: t + 1, observation: b.observation(0), reward: b.rewards[0], done, anchor: hex(), action });
    if (done) break;
  }
  return out;
}

describe.each([['sokoban'], ['household']])('python example against gigpo serve-env --env %s', (env) => {
  let server: ServeEnvProcess;
  beforeAll(async () => {
    server = await startServeEnv(['--env', env, '--seed', String(SEED)]);
  });
  afterAll(async () => server.stop());

  for (const protocol of ['agentgym', 'openenv'])
    it(`${protocol} client`, (ctx) => {
      const python = requirePython(ctx, ['websockets']);
      const task = 4;
      const r = spawnSync(python, [example, '--url', server.url, '--protocol', protocol, '--task', String(task), '--max-steps', '30'], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const summary = lines.pop().summary;
      const expected = replay(env, task, 30);
      expect(lines.length).toBe(expected.length);
      expect(lines.length).toBeGreaterThan(2);
      for (const [k, line] of (lines as Line[]).entries()) {
        expect({ ...line, reward: Math.fround(line.reward) }).toEqual(expected[k]);
      }
      const total = expected.reduce((s, l) => s + l.reward, 0);
      expect(summary.steps).toBe(expected.length - 1);
      expect(summary.return).toBeCloseTo(total, 5);
      if (protocol === 'agentgym') expect(summary.data_idx).toBe(task);
      else expect([summary.step_count, summary.group_seed]).toEqual([expected.length - 1, task]);
    });
});
