// The trajectory API: users who bring their own data give plain objects, converted here
// into the columnar StepBatch the kernels read. Observations are interned (each distinct
// text stored once) and hashed natively, so anchors agree with the env batches'.
import { GigpoArgumentError } from '../errors.js';
import { native } from '../native.js';
import { allocateStepBatch, packText, type StepBatch } from './step-batch.js';
import { TextTable } from './text-table.js';

export interface TrajectoryStep {
  /** The observation before the action (its text; hashed into the anchor unless `anchor` is given). */
  obs?: string;
  /** The anchor state: a canonical string (hashed) or a precomputed 64-bit hash. */
  anchor?: string | bigint;
  reward: number;
  /** Whether the action was valid; default true. */
  valid?: boolean | 0 | 1;
  /** The action: an id (a 32-bit integer) or its text (kept in the batch's actionText column). */
  action?: number | string;
}

export interface Trajectory {
  /** Task group (trajectories from the identical initial state). */
  group: string | number;
  /** Trajectory name; default its index in the input. */
  traj?: string | number;
  steps: readonly TrajectoryStep[];
}

function label(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new GigpoArgumentError(path, `expected a string or a finite number, got ${String(value)}`);
}

/**
 * Converts trajectories into a StepBatch. Trajectories are ordered group by group (groups
 * by first appearance, trajectories of a group in input order), as the batch requires.
 * `traj` of each row is the trajectory's INDEX IN THE INPUT, so results map back directly;
 * `trajLabels[i]` and `groupLabels[g]` keep the names given (labels compare as strings).
 */
export function trajectoriesToBatch(trajectories: readonly Trajectory[]): StepBatch {
  if (!Array.isArray(trajectories)) throw new GigpoArgumentError('trajectories', 'expected an array');
  if (trajectories.length > 0xffffffff) throw new GigpoArgumentError('trajectories', 'too many trajectories');
  const groupOf = new Map<string, number>();
  const groupLabels: string[] = [];
  const members: number[][] = [];
  const trajLabels: string[] = new Array(trajectories.length);
  const namedTraj = new Set<string>();
  let numRows = 0;
  trajectories.forEach((t, i) => {
    const path = `trajectories[${i}]`;
    if (t === null || typeof t !== 'object') throw new GigpoArgumentError(path, 'expected { group, traj?, steps }');
    const g = label(t.group, `${path}.group`);
    if (t.traj !== undefined) {
      trajLabels[i] = label(t.traj, `${path}.traj`);
      if (namedTraj.has(trajLabels[i])) throw new GigpoArgumentError(`${path}.traj`, `duplicate trajectory '${trajLabels[i]}'`);
      namedTraj.add(trajLabels[i]);
    } else {
      trajLabels[i] = String(i);
    }
    if (!Array.isArray(t.steps) || t.steps.length === 0)
      throw new GigpoArgumentError(`${path}.steps`, 'expected a non-empty array of steps');
    let dense = groupOf.get(g);
    if (dense === undefined) {
      dense = groupLabels.length;
      groupOf.set(g, dense);
      groupLabels.push(g);
      members.push([]);
    }
    members[dense].push(i);
    numRows += t.steps.length;
  });

  const batch: StepBatch = { ...allocateStepBatch(numRows), groupLabels, trajLabels };
  batch.action.fill(-1);
  const table = new TextTable();
  // Anchors given as strings other than the observation text are hashed in one native call.
  const anchorKeyIndex = new Map<string, number>();
  const anchorKeys: string[] = [];
  const anchorFrom = new Int32Array(numRows); // -1: hash of the observation; k >= 0: anchorKeys[k]
  let actionTexts: string[] | undefined; // per row, once some action is text

  let r = 0;
  members.forEach((list, g) => {
    for (const i of list) {
      const steps = trajectories[i].steps;
      for (let s = 0; s < steps.length; s++, r++) {
        const step = steps[s];
        const path = `trajectories[${i}].steps[${s}]`;
        if (step === null || typeof step !== 'object') throw new GigpoArgumentError(path, 'expected { obs | anchor, reward, valid? }');
        if (typeof step.reward !== 'number' || !Number.isFinite(step.reward))
          throw new GigpoArgumentError(`${path}.reward`, `must be a finite number, got ${String(step.reward)}`);
        const valid = step.valid ?? true;
        if (valid !== true && valid !== false && valid !== 0 && valid !== 1)
          throw new GigpoArgumentError(`${path}.valid`, `expected a boolean (or 0 / 1), got ${String(valid)}`);
        const { obs, anchor } = step;
        if (obs !== undefined && typeof obs !== 'string') throw new GigpoArgumentError(`${path}.obs`, 'expected a string');
        if (anchor !== undefined && typeof anchor !== 'string' && typeof anchor !== 'bigint')
          throw new GigpoArgumentError(`${path}.anchor`, 'expected a string or a bigint hash');
        if (obs === undefined && anchor === undefined) throw new GigpoArgumentError(path, 'expected obs or anchor');
        if (typeof anchor === 'bigint' && (anchor < 0n || anchor >= 1n << 64n))
          throw new GigpoArgumentError(`${path}.anchor`, 'a bigint anchor must be in [0, 2^64)');

        const action = step.action;
        if (typeof action === 'string') {
          actionTexts ??= new Array<string>(numRows).fill('');
          actionTexts[r] = action;
        } else if (action !== undefined) {
          if (!Number.isInteger(action) || action < -0x80000000 || action > 0x7fffffff)
            throw new GigpoArgumentError(`${path}.action`, `expected a 32-bit integer or a string, got ${String(action)}`);
          batch.action[r] = action;
        }

        const text = obs ?? (typeof anchor === 'string' ? anchor : '');
        const o = table.intern(text);
        batch.group[r] = g;
        batch.traj[r] = i;
        batch.step[r] = s;
        batch.reward[r] = step.reward;
        batch.valid[r] = valid === true || valid === 1 ? 1 : 0;
        batch.done[r] = s === steps.length - 1 ? 1 : 0;
        batch.obs[r] = o;
        anchorFrom[r] = -1;
        if (typeof anchor === 'bigint') {
          batch.anchor[r] = anchor;
          anchorFrom[r] = -2;
        } else if (anchor !== undefined && anchor !== text) {
          let k = anchorKeyIndex.get(anchor);
          if (k === undefined) {
            k = anchorKeys.length;
            anchorKeyIndex.set(anchor, k);
            anchorKeys.push(anchor);
          }
          anchorFrom[r] = k;
        }
      }
    }
  });

  batch.observations = table.pack();
  if (actionTexts) batch.actionText = packText(actionTexts);
  const obsHash = native.hashBytes(batch.observations.data, batch.observations.offsets);
  const keyHash = anchorKeys.length > 0 ? native.hashStrings(anchorKeys) : new BigUint64Array(0);
  for (let row = 0; row < numRows; row++) {
    const from = anchorFrom[row];
    if (from === -1) batch.anchor[row] = obsHash[batch.obs[row]];
    else if (from >= 0) batch.anchor[row] = keyHash[from];
  }
  return batch;
}
