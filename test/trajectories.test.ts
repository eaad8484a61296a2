// The trajectory API: plain objects -> the columnar StepBatch, observations interned and
// hashed natively (the same hashes as the env batches).
import { describe, expect, it } from 'vitest';
import {
  computeAdvantages,
  createEnvBatch,
  hashStrings,
  raggedText,
  trajectoriesToBatch,
  validateStepBatch,
  type Trajectory,
} from '../lib/index.js';
import { native } from '../lib/native.js';

describe('trajectoriesToBatch', () => {
  const input: Trajectory[] = [
    {
      group: 'b',
      traj: 'x',
      steps: [
        { obs: 'room 1', reward: 0 },
        { obs: 'room 2', reward: 1, valid: false },
      ],
    },
    { group: 7, steps: [{ obs: 'room 1', reward: 0.5 }] },
    { group: 'b', traj: 'y', steps: [{ anchor: 'state-9', obs: 'room 1 (lit)', reward: 2 }] },
    {
      group: '7',
      traj: 3,
      steps: [
        { anchor: 12345n, reward: -1, valid: 0 },
        { anchor: 'room 2', reward: 0 },
      ],
    },
  ];
  const batch = trajectoriesToBatch(input);

  it('orders rows group by group, keeps input indices as trajectory ids and labels as given', () => {
    validateStepBatch(batch);
    expect(batch.groupLabels).toEqual(['b', '7']);
    expect(batch.trajLabels).toEqual(['x', '1', 'y', '3']);
    expect(Array.from(batch.traj)).toEqual([0, 0, 2, 1, 3, 3]);
    expect(Array.from(batch.group)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(batch.step)).toEqual([0, 1, 0, 0, 0, 1]);
    expect(Array.from(batch.reward)).toEqual([0, 1, 2, 0.5, -1, 0]);
    expect(Array.from(batch.valid)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(Array.from(batch.done)).toEqual([0, 1, 1, 1, 0, 1]);
    expect(Array.from(batch.action)).toEqual([-1, -1, -1, -1, -1, -1]);
  });

  it('interns observations and hashes them as the env batches do', () => {
    const texts = Array.from({ length: batch.observations.offsets.length - 1 }, (_, i) => raggedText(batch.observations, i));
    expect(texts).toEqual(['room 1', 'room 2', 'room 1 (lit)', '']);
    expect(Array.from(batch.obs)).toEqual([0, 1, 2, 0, 3, 1]);
    const [room1, room2, state9] = hashStrings(['room 1', 'room 2', 'state-9']);
    expect(Array.from(batch.anchor)).toEqual([room1, room2, state9, room1, 12345n, room2]);
  });

  it('gives the anchors an env batch gives for the same observations', () => {
    const env = createEnvBatch({ env: 'numberline', numEnvs: 4, seed: 11 });
    const steps = env.observations().map((obs) => ({ obs, reward: 0 }));
    const fromTrajectories = trajectoriesToBatch([{ group: 0, steps }]);
    expect(Array.from(fromTrajectories.anchor)).toEqual(Array.from(env.anchors));
  });

  it('feeds computeAdvantages, results indexed back by the input trajectory', () => {
    const data: Trajectory[] = [
      { group: 'q', steps: [{ obs: 'A', reward: 1 }] },
      { group: 'p', steps: [{ obs: 'A', reward: 0 }] },
      { group: 'q', steps: [{ obs: 'A', reward: 0 }] },
    ];
    const b = trajectoriesToBatch(data);
    const result = computeAdvantages(b);
    const byInput = new Map<number, number>();
    for (let r = 0; r < b.numRows; r++) byInput.set(b.traj[r], result.advantage[r]);
    // Group q: scores 1 and 0 -> ±0.5 episode, ±0.5 step (same anchor A). Group p: one row, 0.
    expect([byInput.get(0), byInput.get(1), byInput.get(2)]).toEqual([1, 0, -1]);
  });

  it('rejects bad input with the path of the offending value', () => {
    const bad = (t: unknown) => () => trajectoriesToBatch(t as Trajectory[]);
    expect(bad({})).toThrow('trajectories: expected an array');
    expect(bad([{ group: null, steps: [] }])).toThrow('trajectories[0].group: expected a string or a finite number, got null');
    expect(bad([{ group: 1, steps: [] }])).toThrow('trajectories[0].steps: expected a non-empty array of steps');
    expect(bad([{ group: 1, steps: [{ obs: 'a', reward: NaN }] }])).toThrow(
      'trajectories[0].steps[0].reward: must be a finite number, got NaN',
    );
    expect(bad([{ group: 1, steps: [{ obs: 'a', reward: 0 }, { reward: 1 }] }])).toThrow(
      'trajectories[0].steps[1]: expected obs or anchor',
    );
    expect(bad([{ group: 1, steps: [{ obs: 'a', reward: 0, valid: 'yes' }] }])).toThrow(
      'trajectories[0].steps[0].valid: expected a boolean (or 0 / 1), got yes',
    );
    expect(bad([{ group: 1, steps: [{ anchor: -1n, reward: 0 }] }])).toThrow(
      'trajectories[0].steps[0].anchor: a bigint anchor must be in [0, 2^64)',
    );
    expect(
      bad([
        { group: 1, traj: 'a', steps: [{ obs: 'a', reward: 0 }] },
        { group: 2, traj: 'a', steps: [{ obs: 'a', reward: 0 }] },
      ]),
    ).toThrow("trajectories[1].traj: duplicate trajectory 'a'");
  });
});

describe('native binding guards', () => {
  it('checks every column and output by name, never crashes', () => {
    const b = trajectoriesToBatch([
      {
        group: 0,
        steps: [
          { obs: 'a', reward: 1 },
          { obs: 'b', reward: 0 },
        ],
      },
    ]);
    const columns = {
      group: b.group,
      traj: b.traj,
      step: b.step,
      reward: b.reward,
      valid: b.valid,
      anchor: b.anchor,
      obs: b.obs,
      obsOffsets: b.observations.offsets,
      obsBytes: b.observations.data,
    };
    const outputs = () => ({
      returns: new Float32Array(2),
      episodeAdvantage: new Float32Array(2),
      stepAdvantage: new Float32Array(2),
      advantage: new Float32Array(2),
      stepGroup: new Uint32Array(2),
    });
    const call = (c: object, o: object, out: object) => () => native.computeAdvantages(c as never, o as never, out as never);
    expect(call(columns, {}, outputs())).not.toThrow();
    expect(call(null as never, {}, outputs())).toThrow(new TypeError('columns: expected an object'));
    expect(call({ ...columns, traj: new Int32Array(2) }, {}, outputs())).toThrow(new TypeError('columns.traj: expected a Uint32Array'));
    expect(call({ ...columns, step: new Uint32Array(3) }, {}, outputs())).toThrow(new RangeError('columns.step: expected length 2, got 3'));
    expect(call({ ...columns, responseOffsets: new Uint32Array(2) }, {}, outputs())).toThrow(
      'columns.responseOffsets: expected length 3, got 2',
    );
    expect(call({ ...columns, obsOffsets: new Uint32Array(0) }, {}, outputs())).toThrow(
      'columns.obsOffsets: expected length numObs + 1 >= 1',
    );
    expect(call(columns, {}, { ...outputs(), advantage: new Float32Array(1) })).toThrow('outputs.advantage: expected length 2, got 1');
    expect(call(columns, { gamma: 'high' }, outputs())).toThrow(new TypeError('options.gamma: expected a number'));
    expect(call(columns, { similarity: 1 }, outputs())).toThrow(RangeError);
    expect(call(columns, { warp: 1 }, outputs())).toThrow(new TypeError('options.warp: unknown advantage option'));
    expect(call(columns, { estimator: 'x' }, outputs())).toThrow(/^options.estimator: must be one of/);
    expect(call({ ...columns, obsOffsets: new Uint32Array([0, 5]), obsBytes: new Uint8Array(2) }, { similarity: 0.5 }, outputs())).toThrow(
      'observations.offsets[1]: offsets must be non-decreasing and within the data',
    );
  });
});

describe('trajectoriesToBatch actions', () => {
  it('keeps action ids in `action` and action texts in `actionText`', async () => {
    const { trajectoriesToBatch, raggedText } = await import('../lib/index.js');
    const b = trajectoriesToBatch([
      {
        group: 'g',
        steps: [
          { obs: 'A', reward: 0, action: 2 },
          { obs: 'B', reward: 1, action: 'go to cabinet 1' },
        ],
      },
      { group: 'g', steps: [{ obs: 'A', reward: 0 }] },
    ]);
    expect(Array.from(b.action)).toEqual([2, -1, -1]);
    expect([0, 1, 2].map((r) => raggedText(b.actionText!, r))).toEqual(['', 'go to cabinet 1', '']);
    expect(() => trajectoriesToBatch([{ group: 'g', steps: [{ obs: 'A', reward: 0, action: 1.5 }] }])).toThrow(
      /trajectories\[0\]\.steps\[0\]\.action: expected a 32-bit integer or a string, got 1.5/,
    );
  });
});
