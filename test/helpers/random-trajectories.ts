// Random JSONL trajectories for the score tests: string and numeric ids, trajectory names
// reused across groups, revisited states, invalid actions, explicit anchors on some steps,
// groups contiguous or shuffled together.
import { prng } from './random-batch.js';

export interface JsonStep {
  obs: string;
  anchor?: string;
  action?: number | string;
  reward: number;
  valid?: boolean;
}

export interface JsonTrajectory {
  group: string | number;
  traj: string | number;
  steps: JsonStep[];
}

export function randomTrajectories(
  seed: number,
  o: { groups: number; maxGroupSize?: number; maxLength?: number; shuffle?: boolean },
): JsonTrajectory[] {
  const rand = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const out: JsonTrajectory[] = [];
  for (let g = 0; g < o.groups; g++) {
    const group = g % 3 === 0 ? g * 7 : `task-${g}`;
    const states = Array.from({ length: int(1, 6) }, (_, k) => `room ${g}\nagent at ${k}${k % 2 ? ' ✓' : ''}`);
    const size = int(1, o.maxGroupSize ?? 5);
    for (let m = 0; m < size; m++) {
      const steps: JsonStep[] = [];
      let s = 0;
      for (let t = int(1, o.maxLength ?? 8); t > 0; t--) {
        const step: JsonStep = { obs: states[s], reward: rand() < 0.3 ? [0, 1, -0.1, 10, 0.25][int(0, 4)] : 0 };
        if (rand() < 0.2) step.valid = false;
        if (rand() < 0.3) step.action = rand() < 0.5 ? int(0, 3) : 'push';
        if (s === 0 && rand() < 0.3) step.anchor = (0xabc0000 + g).toString(16).padStart(16, '0'); // all of a group's state 0
        steps.push(step);
        s = rand() < 0.3 ? s : int(0, states.length - 1);
      }
      out.push({ group, traj: m % 2 ? m : `t${m}`, steps });
    }
  }
  if (o.shuffle)
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
  return out;
}

export function toJsonl(trajs: JsonTrajectory[], form: 'trajectory' | 'row' = 'trajectory'): string {
  if (form === 'trajectory') return trajs.map((t) => JSON.stringify(t)).join('\n') + '\n';
  return trajs.flatMap((t) => t.steps.map((s, i) => JSON.stringify({ group: t.group, traj: t.traj, step: i, ...s }))).join('\n') + '\n';
}
