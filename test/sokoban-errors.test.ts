import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnvBatch, readBoxobanLevels, solveSokoban } from '../lib/index.js';
import { native } from '../lib/native.js';
import { writeLevelFile, writeTempFile } from './helpers/sokoban.js';

const GOOD = '#####\n#@$.#\n#####';

function create(options: Record<string, unknown>) {
  return () => createEnvBatch({ env: 'sokoban', numEnvs: 2, seed: 1, options: options as Record<string, number> });
}

function expectError(fn: () => unknown, type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, message: string) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${type.name}: ${message}`).toBeInstanceOf(type);
  expect((caught as Error).message).toBe(message);
  return caught as Error;
}

describe('sokoban bad input', () => {
  it('rejects unknown options and out-of-range generator options, naming them', () => {
    expect(create({ colour: 'red' })).toThrow(TypeError);
    expect(create({ colour: 'red' })).toThrow(/^options\.colour: unknown option for env 'sokoban' \(known: profile, maxSteps, dim, /);
    expectError(create({ dim: 4 }), RangeError, 'options.dim: must be in [5, 20], got 4');
    expectError(create({ dim: 21 }), RangeError, 'options.dim: must be in [5, 20], got 21');
    expectError(create({ dim: 6.5 }), RangeError, 'options.dim: expected an integer, got 6.500000');
    expectError(create({ dim: '6' }), TypeError, 'options.dim: expected an integer');
    expectError(create({ numBoxes: 0 }), RangeError, 'options.numBoxes: must be in [1, 4], got 0');
    expectError(create({ numBoxes: 5 }), RangeError, 'options.numBoxes: must be in [1, 4], got 5');
    expectError(create({ dim: 5, numBoxes: 3 }), RangeError, 'options.numBoxes: must be in [1, 2], got 3');
    expectError(create({ searchDepth: 0 }), RangeError, 'options.searchDepth: must be in [1, 300], got 0');
    expectError(create({ maxSteps: 0 }), RangeError, 'options.maxSteps: must be in [1, 1073741824], got 0');
    expectError(create({ solverBudget: 0 }), RangeError, 'options.solverBudget: must be in [1, 10000000], got 0');
    expectError(create({ symbols: 'ascii' }), RangeError, "options.symbols: must be one of 'ragen', 'boxoban', 'tabbed', got 'ascii'");
    expectError(create({ requireThink: 1 }), TypeError, 'options.requireThink: expected a boolean');
  });

  it('rejects option combinations that cannot apply', () => {
    const path = writeLevelFile('ok.txt', [GOOD]);
    expectError(create({ levelIndex: 0 }), TypeError, 'options.levelIndex: needs options.levels (a level file)');
    expectError(create({ levels: path, dim: 7 }), TypeError, 'options.dim: applies to generated levels only, not with options.levels');
    expectError(create({ levels: '' }), RangeError, "options.levels: expected a file path, got ''");
    expectError(create({ levels: 3 }), TypeError, 'options.levels: expected a string');
    expectError(
      create({ levels: path, levelIndex: 1 }),
      RangeError,
      `options.levelIndex: must be in [0, 0] for '${path}' (1 levels), got 1`,
    );
    expectError(create({ levels: path, levelIndex: -1 }), RangeError, 'options.levelIndex: must be in [0, 2147483647], got -1');
  });

  it('names a missing or unreadable level file', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'gigpo-sokoban-')), 'nope.txt');
    expectError(create({ levels: missing }), RangeError, `options.levels: cannot read '${missing}': No such file or directory`);
    const dir = mkdtempSync(join(tmpdir(), 'gigpo-sokoban-'));
    expectError(create({ levels: dir }), RangeError, `options.levels: cannot read '${dir}': it is a directory`);
    expectError(() => readBoxobanLevels(missing), RangeError, `path: cannot read '${missing}': No such file or directory`);
  });

  it('names the file, level and line of a malformed level', () => {
    const cases: Array<[string, string, string]> = [
      ['players.txt', `; 0\n${GOOD}\n\n; 1\n######\n#@$.@#\n######\n`, 'level 1 (line 7): 2 players'],
      ['noplayer.txt', '; 0\n#####\n# $.#\n#####\n', 'level 0 (line 2): no player'],
      [
        'ragged.txt',
        `; 0\n${GOOD}\n\n; 1\n#####\n#@$.#\n####\n`,
        'level 1 (line 9): row 2 has 4 characters, expected 5 (levels must be rectangular)',
      ],
      [
        'symbol.txt',
        '; 0\n######\n#@$.x#\n######\n',
        "level 0 (line 3): unexpected character 'x' at column 4 (expected one of # @ $ . * + and space)",
      ],
      ['counts.txt', '; 0\n######\n#@$$.#\n######\n', 'level 0 (line 2): 2 boxes but 1 targets'],
      ['noboxes.txt', '; 0\n#####\n#@  #\n#####\n', 'level 0 (line 2): no boxes'],
      [
        'open.txt',
        '; 0\n#####\n#@$. \n#####\n',
        "level 0 (line 2): the player can walk to the grid's edge at row 1, column 4 (a level must be enclosed by walls)",
      ],
      ['outside-box.txt', '; 0\n*####\n#@$.#\n#####\n', "level 0 (line 2): the box at row 0, column 0 is outside the player's reach"],
      [
        'outside-target.txt',
        '; 0\n#######\n#@$ #.#\n#######\n',
        "level 0 (line 2): the target at row 1, column 5 is outside the player's reach",
      ],
      ['empty-level.txt', `; 0\n\n; 1\n${GOOD}\n`, 'level 0: empty level'],
      [
        'wide.txt',
        `; 0\n${'#'.repeat(33)}\n#@$.${'#'.repeat(29)}\n${'#'.repeat(33)}\n`,
        'level 0 (line 2): level is 33x3, larger than the 32x32 limit',
      ],
    ];
    for (const [name, contents, problem] of cases) {
      const path = writeTempFile(name, contents);
      const e = expectError(create({ levels: path }), Error, `${path}: ${problem}`);
      expect(e.name).toBe('Error');
      expectError(() => readBoxobanLevels(path), Error, `${path}: ${problem}`);
    }
    const noHeader = writeTempFile('noheader.txt', `${GOOD}\n`);
    expectError(create({ levels: noHeader }), Error, `${noHeader}: line 1: expected a '; N' level header before this row`);
    const empty = writeTempFile('empty.txt', '\n\n');
    expectError(create({ levels: empty }), Error, `${empty}: no levels found (expected '; N' headers followed by rows)`);
  });

  it('validates the solver binding arguments', () => {
    expectError(() => solveSokoban(42 as unknown as string), TypeError, 'level: expected a string');
    expectError(() => native.solveSokoban(42 as unknown as string), TypeError, 'level: expected a string');
    expectError(() => native.solveSokoban(GOOD, 5 as unknown as object), TypeError, 'options: expected an object');
    expectError(() => solveSokoban(GOOD, { nodeBudget: 0 }), RangeError, 'options.nodeBudget: must be in [1, 10000000], got 0');
    expectError(() => solveSokoban(GOOD, { nodeBudget: 1.5 }), RangeError, 'options.nodeBudget: expected an integer, got 1.5');
    expectError(() => solveSokoban(GOOD, { nodeBudget: 2e7 }), RangeError, 'options.nodeBudget: must be in [1, 10000000], got 20000000');
    expectError(() => solveSokoban(GOOD, { nodeBudget: '9' as unknown as number }), TypeError, 'options.nodeBudget: expected an integer');
    expectError(() => solveSokoban(GOOD, { budget: 9 } as object), TypeError, 'options.budget: unknown option (known: nodeBudget)');
    expectError(() => solveSokoban('#####\n#@$@#\n#####'), RangeError, 'level: 2 players');
    expectError(() => solveSokoban(''), RangeError, 'level: empty level');
    expectError(
      () => solveSokoban('####\n#@$.\n####'),
      RangeError,
      "level: the player can walk to the grid's edge at row 1, column 3 (a level must be enclosed by walls)",
    );
    expectError(() => readBoxobanLevels(7 as unknown as string), TypeError, 'path: expected a string');
    expectError(() => native.readBoxobanLevels(7 as unknown as string), TypeError, 'path: expected a string');
  });
});
