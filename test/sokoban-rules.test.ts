import { describe, expect, it } from 'vitest';
import { createEnvBatch, HOLD_ACTION, INVALID_ACTION } from '../lib/index.js';
import { writeLevelFile } from './helpers/sokoban.js';

const UP = 0;
const DOWN = 1;
const LEFT = 2;
const RIGHT = 3;

// Hand-made levels, played with levels + levelIndex.
const LEVELS = [
  // 0: a corridor, solved by three moves right (the last two push).
  ['########', '#@ $ . #', '########'].join('\n'),
  // 1: two boxes: push one onto a target, off again, then against the other box.
  ['#########', '#@$. $  #', '#      .#', '#########'].join('\n'),
  // 2: a box against a wall.
  ['######', '#  .##', '# @$##', '######'].join('\n'),
  // 3: every glyph with the player on floor.
  ['######', '#@$.*#', '######'].join('\n'),
  // 4: the player on a target.
  ['######', '#+$ *#', '######'].join('\n'),
];
const file = writeLevelFile('rules.txt', LEVELS);

function batchOf(levelIndex: number, options: Record<string, number | string | boolean> = {}, numEnvs = 1) {
  return createEnvBatch({
    env: 'sokoban',
    numEnvs,
    seed: 5,
    options: { levels: file, levelIndex, symbols: 'boxoban', ...options },
  });
}

function play(b: ReturnType<typeof batchOf>, action: number) {
  b.step(new Int32Array([action]));
  return {
    obs: b.observation(0),
    reward: b.rewards[0],
    done: b.done[0],
    truncated: b.truncated[0],
    valid: b.valid[0],
    reset: b.resets[0],
    steps: b.episodeSteps[0],
  };
}

describe('sokoban rules', () => {
  it('starts from the level as written', () => {
    expect(batchOf(0).observation(0)).toBe(LEVELS[0]);
    expect(batchOf(1).observation(0)).toBe(LEVELS[1]);
  });

  it('walks, pushes, and pays +10 (plus +1) on the solving push, then auto-resets', () => {
    const b = batchOf(0, { maxSteps: 50 });
    let r = play(b, RIGHT);
    expect(r.obs).toBe('########\n# @$ . #\n########');
    expect(r.reward).toBeCloseTo(-0.1, 6);
    expect([r.done, r.valid, r.steps]).toEqual([0, 1, 1]);
    r = play(b, RIGHT);
    expect(r.obs).toBe('########\n#  @$. #\n########');
    expect(r.reward).toBeCloseTo(-0.1, 6);
    r = play(b, RIGHT);
    expect(r.obs).toBe('########\n#   @* #\n########');
    expect(r.reward).toBeCloseTo(-0.1 + 1 + 10, 5);
    expect([r.done, r.truncated, r.valid, r.steps]).toEqual([1, 0, 1, 3]);
    // Next-step auto-reset: the action is ignored, reward 0, back at the start.
    r = play(b, LEFT);
    expect([r.reset, r.done, r.steps]).toEqual([1, 0, 0]);
    expect(r.reward).toBe(0);
    expect(r.obs).toBe(LEVELS[0]);
  });

  it('gives +1 onto a target, -1 off it, and blocks a box against a box', () => {
    const b = batchOf(1, { maxSteps: 50 });
    let r = play(b, RIGHT);
    expect(r.obs).toBe('#########\n# @* $  #\n#      .#\n#########');
    expect(r.reward).toBeCloseTo(0.9, 6);
    expect(r.done).toBe(0);
    r = play(b, RIGHT);
    expect(r.obs).toBe('#########\n#  +$$  #\n#      .#\n#########');
    expect(r.reward).toBeCloseTo(-1.1, 6);
    // Box against box: a legal no-op that costs the step penalty.
    r = play(b, RIGHT);
    expect(r.obs).toBe('#########\n#  +$$  #\n#      .#\n#########');
    expect(r.reward).toBeCloseTo(-0.1, 6);
    expect([r.valid, r.done, r.steps]).toEqual([1, 0, 3]);
  });

  it('treats walking into a wall and pushing a box into a wall as valid no-ops', () => {
    const b = batchOf(2, { maxSteps: 50 });
    const start = b.observation(0);
    for (const a of [RIGHT, DOWN]) {
      const r = play(b, a);
      expect(r.obs).toBe(start);
      expect(r.reward).toBeCloseTo(-0.1, 6);
      expect(r.valid).toBe(1);
    }
    // Up and right again from the cell above: reaches the target row, box still stuck.
    let r = play(b, UP);
    expect(r.obs).toBe('######\n# @.##\n#  $##\n######');
    r = play(b, RIGHT);
    expect(r.obs).toBe('######\n#  +##\n#  $##\n######');
    r = play(b, DOWN); // box pushed into the bottom wall: blocked
    expect(r.obs).toBe('######\n#  +##\n#  $##\n######');
    expect([r.valid, r.steps]).toEqual([1, 5]);
  });

  it('charges an unparsed action and flags it invalid without moving', () => {
    const b = batchOf(0, { maxSteps: 50 });
    const r = play(b, INVALID_ACTION);
    expect(r.obs).toBe(LEVELS[0]);
    expect(r.reward).toBeCloseTo(-0.1, 6);
    expect([r.valid, r.done, r.steps]).toEqual([0, 0, 1]);
  });

  it('truncates at maxSteps (default 15) and resets on the next step', () => {
    const b = batchOf(2);
    expect(b.maxSteps).toBe(15);
    for (let t = 1; t <= 15; t++) {
      const r = play(b, t % 2 === 0 ? LEFT : RIGHT);
      expect(r.truncated).toBe(t === 15 ? 1 : 0);
      expect(r.done).toBe(0);
      expect(r.steps).toBe(t);
    }
    const r = play(b, UP);
    expect([r.reset, r.truncated, r.steps]).toEqual([1, 0, 0]);
    expect(r.obs).toBe(LEVELS[2]);
  });

  it('holds an env untouched on HOLD_ACTION', () => {
    const b = batchOf(0, { maxSteps: 50 });
    const r = play(b, HOLD_ACTION);
    expect([r.steps, r.valid]).toEqual([0, 1]);
    expect(r.reward).toBe(0);
    expect(r.obs).toBe(LEVELS[0]);
  });

  it('renders both symbol sets, and keys in Boxoban symbols either way', () => {
    for (const [index, ragen] of [
      [3, '######\n#PXO√#\n######'],
      [4, '######\n#SX_√#\n######'],
    ] as const) {
      const boxoban = batchOf(index);
      const r = batchOf(index, { symbols: 'ragen' });
      expect(boxoban.observation(0)).toBe(LEVELS[index]);
      expect(r.observation(0)).toBe(ragen);
      expect(r.key(0).toString('utf8')).toBe(LEVELS[index]);
      expect(r.anchors[0]).toBe(boxoban.anchors[0]);
      // √ is three bytes of UTF-8.
      expect(r.obsLengths[0]).toBe(Buffer.byteLength(ragen));
      expect(Buffer.byteLength(ragen)).toBe(ragen.length + 2);
    }
  });

  it('parses up/down/left/right and 1-4 from the last <action> tag', () => {
    const responses = [
      '<action>up</action>',
      '<action> DOWN </action>',
      'I think <action>Left</action>',
      '<action>right</action>',
      '<action>1</action>',
      '<action>4</action>',
      '<action>5</action>',
      '<action>0</action>',
      'up',
      '<action>up</action> then <action>left</action>',
      '<action>north</action>',
      '<action></action>',
    ];
    const b = batchOf(0, {}, responses.length);
    expect(Array.from(b.parse(responses))).toEqual([UP, DOWN, LEFT, RIGHT, UP, RIGHT, -1, -1, -1, LEFT, -1, -1]);
    expect([0, 1, 2, 3].map((a) => b.actionName(0, a))).toEqual(['up', 'down', 'left', 'right']);
  });

  it('requires a <think> block with requireThink', () => {
    const b = batchOf(0, { requireThink: true }, 3);
    expect(
      Array.from(b.parse(['<action>right</action>', '<think>go</think><action>right</action>', '<think>x<action>up</action>'])),
    ).toEqual([-1, RIGHT, -1]);
  });

  it('steps from text responses', () => {
    const b = batchOf(0, { maxSteps: 50 });
    b.stepText(['<action>right</action>']);
    expect(b.observation(0)).toBe('########\n# @$ . #\n########');
    b.stepText(['<action>sideways</action>']);
    expect(b.valid[0]).toBe(0);
    expect(b.rewards[0]).toBeCloseTo(-0.1, 6);
    expect(b.observation(0)).toBe('########\n# @$ . #\n########');
  });
});
