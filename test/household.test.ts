import { describe, expect, it } from 'vitest';
import { createEnvBatch, envInfo, INVALID_ACTION, type EnvBatch } from '../lib/index.js';
import { playOracleEpisodes } from './helpers/oracle-episodes.js';

interface Obs {
  feedback: string;
  task: string;
  commands: string[];
}

function parseObs(text: string): Obs {
  const lines = text.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[1].startsWith('Your task is to: ')).toBe(true);
  expect(lines[2].startsWith('Admissible commands: ')).toBe(true);
  return {
    feedback: lines[0],
    task: lines[1].slice('Your task is to: '.length),
    commands: lines[2].slice('Admissible commands: '.length).split(', '),
  };
}

const obs = (b: EnvBatch, i = 0): Obs => parseObs(b.observation(i));

function single(seed: number, options = {}): EnvBatch {
  return createEnvBatch({ env: 'household', numEnvs: 1, seed, options });
}

// Types a command (it must be admissible now) into every env of the batch (all in the
// same state) and returns env 0's new observation.
function act(b: EnvBatch, command: string): Obs {
  expect(obs(b).commands).toContain(command);
  b.stepText(new Array<string>(b.numEnvs).fill(`<action>${command}</action>`));
  expect(b.valid[0]).toBe(1);
  return obs(b);
}

// Walks to every receptacle (opening closed ones) until `want` matches an admissible
// command there; returns the match, or null when the home has none.
function seek(b: EnvBatch, want: RegExp): RegExpMatchArray | null {
  const places = obs(b)
    .commands.filter((c) => c.startsWith('go to '))
    .map((c) => c.slice(6));
  for (const place of places) {
    let o = obs(b).commands.includes('go to ' + place) ? act(b, 'go to ' + place) : obs(b);
    if (o.commands.includes('open ' + place)) o = act(b, 'open ' + place);
    for (const c of o.commands) {
      const m = want.exec(c);
      if (m) return m;
    }
  }
  return null;
}

// The oracle's next command as text.
function oracleCommand(b: EnvBatch): string {
  return b.actionName(0, b.oracleActions()[0]);
}

describe('household', () => {
  it('is registered with its options', () => {
    const info = envInfo('household');
    expect(info?.options.map((o) => o.name)).toEqual(['profile', 'maxSteps', 'requireThink']);
    const b = single(1);
    expect(b.maxSteps).toBe(50);
    expect(b.numActions).toBe(79);
    expect(b.hasOracle).toBe(true);
  });

  it('starts in the middle of the room, where only go to, inventory and look are admissible', () => {
    const b = single(5);
    const o = obs(b);
    expect(o.feedback.startsWith('You are in the middle of a room. Looking around you, you see a cabinet 1, ')).toBe(true);
    const places = o.commands.slice(0, -2).map((c) => c.replace(/^go to /, ''));
    expect(o.commands.slice(-2)).toEqual(['inventory', 'look']);
    expect(o.commands.slice(0, -2).every((c) => c.startsWith('go to '))).toBe(true);
    for (const p of ['fridge 1', 'microwave 1', 'sinkbasin 1', 'garbagecan 1', 'countertop 1', 'drawer 1', 'shelf 1'])
      expect(places).toContain(p);
    expect(o.feedback).toContain('and a ' + places[places.length - 1] + '.');
    expect(act(b, 'inventory').feedback).toBe('You are not carrying anything.');
    expect(act(b, 'look').feedback).toBe(o.feedback);
  });

  it('go to, open, close, take, put, examine, look and inventory do what they say', () => {
    const b = single(11);
    const m = seek(b, /^take (\S+ \d+) from ((cabinet|drawer) \d+)$/);
    expect(m).not.toBeNull();
    const [, object, place] = m!;
    let o = obs(b);
    expect(o.feedback).toMatch(new RegExp(`^You open the ${place}\\. The ${place} is open\\. In it, you see .*a ${object}[,.]`));
    expect(o.commands).toContain('close ' + place);
    expect(o.commands).not.toContain('go to ' + place);
    expect(o.commands).not.toContain('open ' + place);

    o = act(b, `take ${object} from ${place}`);
    expect(o.feedback).toBe(`You pick up the ${object} from the ${place}.`);
    // Hands full: no take command anywhere; put and examine of the held object appear.
    expect(o.commands.some((c) => c.startsWith('take '))).toBe(false);
    expect(o.commands).toContain(`put ${object} in ${place}`);
    expect(o.commands).toContain(`examine ${object}`);
    expect(act(b, 'inventory').feedback).toBe(`You are carrying: a ${object}.`);
    expect(act(b, `examine ${object}`).feedback).toBe(`You examine the ${object}. There is nothing special about it.`);
    expect(act(b, `examine ${place}`).feedback).not.toContain(object);

    // Closed: the contents are hidden and nothing can be put in.
    o = act(b, 'close ' + place);
    expect(o.feedback).toBe(`You close the ${place}.`);
    expect(o.commands).toContain('open ' + place);
    expect(o.commands).not.toContain(`put ${object} in ${place}`);
    expect(act(b, 'look').feedback).toBe(`You are at ${place}. The ${place} is closed.`);
    expect(act(b, 'examine ' + place).feedback).toBe(`The ${place} is closed.`);

    // Carry it to a countertop and put it "on" it.
    o = act(b, 'go to countertop 1');
    expect(o.feedback).toMatch(/^You arrive at countertop 1\. On the countertop 1, you see (nothing|a .*)\.$/);
    expect(o.feedback).not.toContain(object);
    o = act(b, `put ${object} on countertop 1`);
    expect(o.feedback).toBe(`You put the ${object} on the countertop 1.`);
    expect(o.commands).toContain(`take ${object} from countertop 1`);
    expect(act(b, 'examine countertop 1').feedback).toMatch(new RegExp(`^On the countertop 1, you see .*a ${object}[,.]`));
    expect(act(b, 'look').feedback).toMatch(new RegExp(`^You are at countertop 1\\. On the countertop 1, you see .*a ${object}[,.]`));
    expect(act(b, 'inventory').feedback).toBe('You are not carrying anything.');
  });

  it('clean, heat and cool need the right appliance and object, and heat and cool undo each other', () => {
    const b = single(3);
    const m = seek(b, /^take ((apple|tomato|potato|egg|bread|mug|cup|plate|bowl) \d+) from (.+)$/);
    expect(m).not.toBeNull();
    const food = m![1];
    act(b, m![0]);
    expect(act(b, 'go to countertop 1').commands.some((c) => /^(clean|heat|cool) /.test(c))).toBe(false);
    let o = act(b, 'go to sinkbasin 1');
    expect(o.commands).toContain(`clean ${food} with sinkbasin 1`);
    expect(o.commands.some((c) => /^(heat|cool) /.test(c))).toBe(false);
    expect(act(b, `clean ${food} with sinkbasin 1`).feedback).toBe(`You clean the ${food} using the sinkbasin 1.`);
    expect(act(b, `examine ${food}`).feedback).toBe(`You examine the ${food}. It is clean.`);
    act(b, 'go to microwave 1');
    expect(act(b, `heat ${food} with microwave 1`).feedback).toBe(`You heat the ${food} using the microwave 1.`);
    expect(act(b, `examine ${food}`).feedback).toBe(`You examine the ${food}. It is clean and hot.`);
    // The fridge cools closed or open.
    o = act(b, 'go to fridge 1');
    if (o.commands.includes('close fridge 1')) o = act(b, 'close fridge 1');
    expect(o.commands).toContain('open fridge 1');
    expect(act(b, `cool ${food} with fridge 1`).feedback).toBe(`You cool the ${food} using the fridge 1.`);
    expect(act(b, `examine ${food}`).feedback).toBe(`You examine the ${food}. It is clean and cool.`);

    // A book cannot be cleaned, heated or cooled.
    const c = single(4);
    const book = seek(c, /^take ((book|pen|pencil|keychain|creditcard|cellphone|cd|alarmclock|watch) \d+) from (.+)$/);
    expect(book).not.toBeNull();
    act(c, book![0]);
    for (const [place, verb] of [
      ['sinkbasin 1', 'clean'],
      ['microwave 1', 'heat'],
      ['fridge 1', 'cool'],
    ]) {
      o = act(c, 'go to ' + place);
      expect(o.commands.some((cmd) => cmd.startsWith(verb + ' '))).toBe(false);
    }
  });

  it('the desklamp is used where it stands and cannot be taken', () => {
    const b = single(8);
    const m = seek(b, /^use desklamp 1$/);
    expect(m).not.toBeNull();
    const o = obs(b);
    expect(o.feedback).toMatch(/^You arrive at (desk|sidetable) 1\. On the (desk|sidetable) 1, you see .*a desklamp 1[,.]/);
    expect(o.commands.some((c) => c.startsWith('take desklamp'))).toBe(false);
    expect(act(b, 'use desklamp 1').feedback).toBe('You turn on the desklamp 1.');
    expect(act(b, 'use desklamp 1').feedback).toBe('The desklamp 1 is already on.');
    expect(act(b, 'go to fridge 1').commands).not.toContain('use desklamp 1');
  });

  it('answers an inadmissible command with "Nothing happens." and leaves the state alone', () => {
    const b = single(2);
    const before = obs(b);
    const anchor = b.anchors[0];
    const wrong = [
      '<action>go to the moon</action>',
      '<action>take apple 1 from countertop 1</action>', // not at the countertop
      '<action>open fridge 1</action>', // not at the fridge
      'go to fridge 1', // no action tag
      '',
    ];
    for (const text of wrong) {
      b.stepText([text]);
      expect(b.valid[0]).toBe(0);
      expect(b.rewards[0]).toBe(0);
      const o = obs(b);
      expect(o.feedback).toBe('Nothing happens.');
      expect(o.commands).toEqual(before.commands);
      expect(o.task).toBe(before.task);
    }
    // Action ids past the admissible list (and -1) do the same.
    b.step(new Int32Array([before.commands.length]));
    expect(b.valid[0]).toBe(0);
    expect(obs(b).feedback).toBe('Nothing happens.');
    b.step(new Int32Array([INVALID_ACTION]));
    expect(b.valid[0]).toBe(0);
    // Every "Nothing happens." in this state is the same anchor, distinct from the start.
    const nothing = b.anchors[0];
    b.stepText(['<action>fly</action>']);
    expect(b.anchors[0]).toBe(nothing);
    expect(nothing).not.toBe(anchor);
    expect(b.episodeSteps[0]).toBe(8);
    expect(() => b.step(new Int32Array([b.numActions]))).toThrow(RangeError);
  });

  it('parses the last <action>, ignoring case, spaces, a trailing period and the put preposition', () => {
    const b = createEnvBatch({ env: 'household', numEnvs: 6, groupSize: 6, seed: 11 });
    const m = seek(b, /^take (\S+ \d+) from ((cabinet|drawer) \d+)$/)!;
    act(b, m[0]);
    act(b, 'go to countertop 1');
    const cmds = obs(b).commands;
    const idx = (c: string) => cmds.indexOf(c);
    const put = `put ${m[1]} on countertop 1`;
    const parsed = b.parse([
      '<action>  GO   to\tFridge 1. </action>',
      `<action>put ${m[1]} in/on countertop 1</action>`,
      `<action>put ${m[1]} in countertop 1</action>`,
      `<think>hmm</think> <action>look</action> then <ACTION>inventory</ACTION>`,
      '<action>go to countertop 1</action>', // already there
      `<action>put ${m[1]} under countertop 1</action>`,
    ]);
    expect(Array.from(parsed)).toEqual([idx('go to fridge 1'), idx(put), idx(put), idx('inventory'), -1, -1]);
    for (let k = 0; k < cmds.length; k++) expect(b.actionName(0, k)).toBe(cmds[k]);
    expect(b.actionName(0, cmds.length)).toBe('');

    const t = createEnvBatch({ env: 'household', numEnvs: 2, groupSize: 2, seed: 11, options: { requireThink: true } });
    expect(Array.from(t.parse(['<action>look</action>', '<think>a</think><action>look</action>']))).toEqual([
      -1,
      obs(t).commands.indexOf('look'),
    ]);
  });

  it('draws all six task families with their instructions, each solved by the planner for reward 10', () => {
    const patterns: Record<string, RegExp> = {
      pick: /^(put a|place some) [a-z]+ (in|on) [a-z]+ \d+\.$/,
      two: /^(put two [a-z]+|find two [a-z]+ and put them) (in|on) [a-z]+ \d+\.$/,
      light: /^(look at a [a-z]+ under the desklamp|examine a [a-z]+ by the light of the desklamp)\.$/,
      clean: /^(put a clean [a-z]+|clean a [a-z]+ and put it) (in|on) [a-z]+ \d+\.$/,
      heat: /^(put a hot [a-z]+|heat a [a-z]+ and put it) (in|on) [a-z]+ \d+\.$/,
      cool: /^(put a cool [a-z]+|cool a [a-z]+ and put it) (in|on) [a-z]+ \d+\.$/,
    };
    const seen: Record<string, number> = {};
    for (let seed = 0; seed < 60; seed++) {
      const b = single(seed);
      const task = obs(b).task;
      const family = Object.keys(patterns).find((f) => patterns[f].test(task));
      expect(family, task).toBeDefined();
      seen[family!] = (seen[family!] ?? 0) + 1;
      // Drive the oracle's commands as text: reward 0 until the final step pays 10.
      const used: string[] = [];
      for (let t = 0; t < 50 && !b.done[0]; t++) {
        const cmd = oracleCommand(b);
        used.push(cmd);
        b.stepText([`<action>${cmd}</action>`]);
        expect(b.valid[0]).toBe(1);
        expect(b.rewards[0]).toBe(b.done[0] ? 10 : 0);
        // Two objects are needed: the first put does not end the task.
        if (family === 'two' && used.filter((c) => c.startsWith('put ')).length === 1 && cmd.startsWith('put ')) expect(b.done[0]).toBe(0);
      }
      expect(b.done[0]).toBe(1);
      const last = used[used.length - 1];
      if (family === 'light') expect(last).toBe('use desklamp 1');
      else expect(last).toMatch(new RegExp(`^put [a-z]+ \\d+ ${task.match(/ (in|on) ([a-z]+ \d+)\.$/)![0].slice(1, -1)}$`));
      if (family === 'clean') expect(used.some((c) => c.startsWith('clean '))).toBe(true);
      if (family === 'heat') expect(used.some((c) => c.startsWith('heat '))).toBe(true);
      if (family === 'cool') expect(used.some((c) => c.startsWith('cool '))).toBe(true);
    }
    expect(Object.keys(seen).sort()).toEqual(Object.keys(patterns).sort());
  });

  it('the planner solves 100% of tasks over 1000 seeds', () => {
    const b = createEnvBatch({ env: 'household', numEnvs: 1000, seed: 2024 });
    const played = playOracleEpisodes(b, 50);
    expect(played.invalidActions).toBe(0);
    expect(played.lastReward.every((r) => r === 10)).toBe(true);
    expect(Math.max(...played.steps)).toBeLessThanOrEqual(20);
  });

  it('is deterministic per seed, starts a group identically, and its anchors repeat with the state', () => {
    const a = createEnvBatch({ env: 'household', numEnvs: 8, groupSize: 4, seed: 77 });
    const b = createEnvBatch({ env: 'household', numEnvs: 8, groupSize: 4, seed: 77 });
    expect(a.observations()).toEqual(b.observations());
    expect(Array.from(a.anchors)).toEqual(Array.from(b.anchors));
    for (let i = 1; i < 4; i++) {
      expect(a.observation(i)).toBe(a.observation(0));
      expect(a.anchors[i]).toBe(a.anchors[0]);
      expect(a.observation(4 + i)).toBe(a.observation(4));
    }
    expect(a.observation(4)).not.toBe(a.observation(0));
    // Different seeds give different homes or tasks.
    const c = createEnvBatch({ env: 'household', numEnvs: 8, groupSize: 4, seed: 78 });
    expect(c.observation(0)).not.toBe(a.observation(0));

    // Going back and forth returns to the same observation and anchor, whatever the step.
    const e = single(9);
    act(e, 'go to fridge 1');
    const fridge = e.anchors[0];
    const text = e.observation(0);
    act(e, 'go to sinkbasin 1');
    act(e, 'go to fridge 1');
    expect(e.observation(0)).toBe(text);
    expect(e.anchors[0]).toBe(fridge);
    expect(e.key(0).toString()).toBe(text);
  });

  it('truncates at maxSteps and validates its options', () => {
    const b = single(1, { maxSteps: 3 });
    const look = new Int32Array([obs(b).commands.indexOf('look')]);
    for (let t = 1; t <= 3; t++) {
      b.step(look);
      expect(b.truncated[0]).toBe(t === 3 ? 1 : 0);
      expect(b.done[0]).toBe(0);
    }
    expect(() => single(1, { maxSteps: 0 })).toThrow(/options\.maxSteps: must be in \[1, /);
    expect(() => single(1, { maxSteps: 'ten' })).toThrow(TypeError);
    expect(() => single(1, { rooms: 3 })).toThrow(/options\.rooms: unknown option for env 'household'/);
  });
});
