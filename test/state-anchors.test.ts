// True-state anchors: EnvBatch.stateAnchors hashes an env's FULL state; rollouts with
// anchor 'state' group steps by it. Household shows where observation text hides state.
import { readFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';
import {
  createEnvBatch,
  functionPolicy,
  randomPolicy,
  readMsgpackChunks,
  readTrajectoryRecords,
  RolloutEngine,
  scoreFile,
  writeJsonlFile,
  writeMsgpackFile,
  type EnvBatch,
  type StepBatch,
  type StepRecord,
} from '../lib/index.js';
import { tempDir } from './helpers/cli.js';
import { pythonDump, requirePython } from './helpers/python.js';

const tmp = tempDir('state-anchors');
afterAll(() => tmp.cleanup());

// Env i types `command` (which must be one of its admissible commands); the others are untouched.
function act(b: EnvBatch, i: number, command: string): void {
  b.stepTextAt(new Uint32Array([i]), [`<think>ok</think><action>${command}</action>`]);
  expect(b.valid[i], `env ${i}: ${command}`).toBe(1);
}

function commandsOf(b: EnvBatch, i: number): string[] {
  const line = b
    .observation(i)
    .split('\n')
    .find((l) => l.startsWith('Admissible commands: '))!;
  return line.slice('Admissible commands: '.length).split(', ');
}

// Household in the native profile, seeds 0..: the first home with a closed receptacle C and another
// place X; both envs of the group go to C, env 0 opens it, both go to X.
function openedElsewhere(): { batch: EnvBatch; seed: number } {
  for (let seed = 0; seed < 50; seed++) {
    const b = createEnvBatch({ env: 'household', numEnvs: 2, groupSize: 2, seed });
    const places = commandsOf(b, 0)
      .filter((c) => c.startsWith('go to '))
      .map((c) => c.slice(6));
    for (const c of places) {
      act(b, 0, `go to ${c}`);
      act(b, 1, `go to ${c}`);
      if (!commandsOf(b, 0).includes(`open ${c}`)) continue;
      act(b, 0, `open ${c}`);
      const x = places.find((p) => p !== c)!;
      act(b, 0, `go to ${x}`);
      act(b, 1, `go to ${x}`);
      return { batch: b, seed };
    }
    b.close();
  }
  throw new Error('no household home with a closed receptacle in seeds 0..49');
}

// Rows of a rollout: which anchor each row carries.
function collect(env: string, anchor: 'observation' | 'state', envOptions = {}): Promise<StepBatch> {
  return new RolloutEngine().collect({ env, envOptions, groups: 16, groupSize: 8, seed: 5, policy: randomPolicy(), anchor });
}

describe('state anchors', () => {
  it('household: equal observations with a receptacle open elsewhere get equal anchors but different state anchors', () => {
    const { batch: b } = openedElsewhere();
    expect(b.observation(0)).toBe(b.observation(1));
    expect(b.anchors[0]).toBe(b.anchors[1]);
    expect(b.stateAnchors[0]).not.toBe(b.stateAnchors[1]);
    b.close();
  });

  it('household (verl-agent profile): the same room text with a different inventory splits by state', () => {
    for (let seed = 0; seed < 50; seed++) {
      const b = createEnvBatch({ env: 'household', numEnvs: 2, groupSize: 2, seed, options: { profile: 'verl-agent' } });
      // The verl-agent observation has no command list: read the admissible commands by name.
      const names = (i: number) => {
        const out: string[] = [];
        for (let k = 0; k < b.numActions; k++) {
          const n = b.actionName(i, k);
          if (n !== '' && !/^\d+$/.test(n)) out.push(n);
        }
        return out;
      };
      const places = names(0)
        .filter((c) => c.startsWith('go to '))
        .map((c) => c.slice(6));
      for (const p of places) {
        act(b, 0, `go to ${p}`);
        act(b, 1, `go to ${p}`);
        if (names(0).includes(`open ${p}`)) {
          act(b, 0, `open ${p}`);
          act(b, 1, `open ${p}`);
        }
        const take = names(0).find((c) => c.startsWith('take '));
        if (!take) continue;
        act(b, 0, take);
        const x = places.find((q) => q !== p)!;
        act(b, 0, `go to ${x}`);
        act(b, 1, `go to ${x}`);
        expect(b.observation(0)).toBe(b.observation(1));
        expect(b.observation(0)).toMatch(/^You arrive at /);
        expect(b.anchors[0]).toBe(b.anchors[1]);
        expect(b.stateAnchors[0]).not.toBe(b.stateAnchors[1]);
        b.close();
        return;
      }
      b.close();
    }
    throw new Error('no household home with an object to take in seeds 0..49');
  });

  it('household: over a random rollout the state partition refines the observation partition and splits some groups', async () => {
    const byObs = await collect('household', 'observation');
    const byState = await collect('household', 'state');
    expect(byState.numRows).toBe(byObs.numRows);
    expect(Array.from(byState.action)).toEqual(Array.from(byObs.action));
    const text = (b: StepBatch, r: number) => {
      const o = b.obs[r];
      return Buffer.from(b.observations.data.subarray(b.observations.offsets[o], b.observations.offsets[o + 1])).toString();
    };
    for (let r = 0; r < byObs.numRows; r++) expect(text(byState, r)).toBe(text(byObs, r));
    // Step groups are (group, anchor): each state group lies inside one observation group.
    const obsOfState = new Map<string, bigint>();
    const statesOfObs = new Map<string, Set<bigint>>();
    for (let r = 0; r < byObs.numRows; r++) {
      const sk = `${byState.group[r]}:${byState.anchor[r]}`;
      const ok = `${byObs.group[r]}:${byObs.anchor[r]}`;
      const seen = obsOfState.get(sk);
      if (seen === undefined) obsOfState.set(sk, byObs.anchor[r]);
      else expect(seen, `row ${r}: state group ${sk} spans two observation groups`).toBe(byObs.anchor[r]);
      let set = statesOfObs.get(ok);
      if (!set) {
        set = new Set();
        statesOfObs.set(ok, set);
      }
      set.add(byState.anchor[r]);
    }
    const split = [...statesOfObs.values()].filter((s) => s.size > 1).length;
    expect(split).toBeGreaterThan(0);
    expect(obsOfState.size).toBeGreaterThan(statesOfObs.size);
  });

  it('household: every rollout records the full-state hash in stateAnchor, next to the anchor it groups by', async () => {
    const byObs = await collect('household', 'observation');
    const byState = await collect('household', 'state');
    // The column is the same whichever anchor the rollout groups by, and is the 'state' rollout's anchor.
    expect(Array.from(byObs.stateAnchor!)).toEqual(Array.from(byState.stateAnchor!));
    expect(Array.from(byState.stateAnchor!)).toEqual(Array.from(byState.anchor));
    // One file thus holds both partitions: (group, stateAnchor) refines (group, anchor) and splits some.
    const b = byObs;
    const obsOfState = new Map<string, bigint>();
    const statesOfObs = new Map<string, Set<bigint>>();
    for (let r = 0; r < b.numRows; r++) {
      const sk = `${b.group[r]}:${b.stateAnchor![r]}`;
      const seen = obsOfState.get(sk);
      if (seen === undefined) obsOfState.set(sk, b.anchor[r]);
      else if (seen !== b.anchor[r]) expect.fail(`row ${r}: state ${sk} under two observation anchors`);
      const ok = `${b.group[r]}:${b.anchor[r]}`;
      const set = statesOfObs.get(ok) ?? new Set<bigint>();
      statesOfObs.set(ok, set.add(b.stateAnchor![r]));
    }
    expect([...statesOfObs.values()].filter((set) => set.size > 1).length).toBeGreaterThan(0);
  });

  it("text policies on native envs record stateAnchor too, and group by it with anchor 'state'", async () => {
    // The first admissible command, whatever the room: a deterministic text policy.
    const policy = functionPolicy((messages) => {
      const line = messages[messages.length - 1].content.split('\n').find((l) => l.startsWith('Admissible commands: '));
      return `<think>ok</think><action>${line ? line.slice('Admissible commands: '.length).split(', ')[0] : 'look'}</action>`;
    });
    const engine = new RolloutEngine();
    const byObs = await engine.collect({ env: 'household', groups: 2, groupSize: 2, seed: 4, maxSteps: 6, policy });
    const byState = await engine.collect({ env: 'household', groups: 2, groupSize: 2, seed: 4, maxSteps: 6, policy, anchor: 'state' });
    expect(byObs.stateAnchor).toBeInstanceOf(BigUint64Array);
    expect(Array.from(byObs.stateAnchor!)).toEqual(Array.from(byState.anchor));
    expect(Array.from(byState.stateAnchor!)).toEqual(Array.from(byState.anchor));
    expect(Array.from(byObs.anchor)).not.toEqual(Array.from(byObs.stateAnchor!));
  });

  it('files carry stateAnchor (msgpack, JSONL as state_anchor, the Python reader) and scoring keeps it', async (ctx) => {
    const b = await new RolloutEngine().collect({
      env: 'household',
      groups: 4,
      groupSize: 4,
      seed: 5,
      maxSteps: 12,
      policy: randomPolicy(),
    });
    const want = Array.from(b.stateAnchor!);
    const msgpack = tmp.path('household.msgpack');
    const jsonl = tmp.path('household.jsonl');
    await writeMsgpackFile(msgpack, [b]);
    await writeJsonlFile(jsonl, [b], 'trajectory');
    const chunks = async (path: string) => {
      const out: StepBatch[] = [];
      for await (const c of readMsgpackChunks(path)) out.push(c);
      return out;
    };
    const stepsOf = async (path: string) => {
      const out: StepRecord[] = [];
      for await (const t of readTrajectoryRecords(path)) out.push(...t.steps);
      return out;
    };
    expect(Array.from((await chunks(msgpack))[0].stateAnchor!)).toEqual(want);
    expect((await stepsOf(jsonl)).map((s) => s.stateAnchor)).toEqual(want);
    const firstLine = JSON.parse(readFileSync(jsonl, 'utf8').split('\n')[1]);
    expect(firstLine.steps[0].state_anchor).toBe(want[0].toString(16).padStart(16, '0'));
    expect(pythonDump(requirePython(ctx), msgpack)[0].stateAnchor).toEqual(want.map(String));
    // Scoring, in every pairing of formats, keeps the column and its values.
    for (const [input, output] of [
      [msgpack, 'scored.msgpack'],
      [msgpack, 'scored.jsonl'],
      [jsonl, 'scored2.jsonl'],
      [jsonl, 'scored2.msgpack'],
    ]) {
      const out = tmp.path(output);
      await scoreFile({ input, output: out });
      const got = out.endsWith('.msgpack')
        ? (await chunks(out)).flatMap((c) => Array.from(c.stateAnchor!))
        : (await stepsOf(out)).map((s) => s.stateAnchor);
      expect(got, `${input} -> ${output}`).toEqual(want);
    }
  });

  it('sokoban, frozenlake, points24: the anchor key is the full state, so state anchors equal anchors', () => {
    for (const env of ['sokoban', 'frozenlake', 'points24', 'numberline', 'ezpoints']) {
      const b = createEnvBatch({ env, numEnvs: 8, seed: 3 });
      expect(Array.from(b.stateAnchors), env).toEqual(Array.from(b.anchors));
      const a = new Int32Array(8).map((_, i) => i % b.numActions);
      b.step(a);
      expect(Array.from(b.stateAnchors), env).toEqual(Array.from(b.anchors));
      b.close();
    }
  });

  it('shop: state anchors refine anchors and differ from them (the session is hashed with the page)', () => {
    const b = createEnvBatch({ env: 'shop', numEnvs: 4, seed: 1 });
    for (let i = 0; i < 4; i++) expect(b.stateAnchors[i]).not.toBe(b.anchors[i]);
    b.close();
  });

  it("rejects an anchor that is neither 'observation' nor 'state'", async () => {
    await expect(
      new RolloutEngine().collect({ env: 'sokoban', groups: 1, groupSize: 1, policy: randomPolicy(), anchor: 'obs' as never }),
    ).rejects.toThrow(/anchor: expected 'observation' or 'state', got "obs"/);
  });
});
