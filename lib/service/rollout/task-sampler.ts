// Which task the next group of a stream plays. Without a task set every group is a new
// task (task k = group k of the stream's seed, as in a one-shot rollout). With `tasks: T`
// groups draw tasks from 0..T-1: uniformly, or under success-band curation (DART-style
// adaptive data curation): with probability `exploration` any task uniformly, otherwise
// a task from the preferred set, the tasks whose success rate lies in [low, high] plus the
// tasks not tried yet (uniformly among them; any task when that set is empty). A task's
// success rate is recency-weighted: its first group sets it, each later group moves it
// half-way to that group's rate, so tasks the policy has learned leave the band.
import { SeededRandom } from '../../seeded-random.js';

export interface SuccessBand {
  kind: 'success-band';
  low: number;
  high: number;
  /** Share of draws that ignore the band (uniform over all tasks). */
  exploration: number;
}

export interface TaskStats {
  task: number;
  groups: number;
  trajectories: number;
  successes: number;
  /** Recency-weighted success rate; null before the first group. */
  successRate: number | null;
  inBand: boolean | null;
}

export interface TaskReport {
  kind: 'fresh' | 'uniform' | 'success-band';
  tasks: number | null;
  draws: number;
  /** success-band: draws that ignored the band. */
  explorationDraws: number;
  band?: { low: number; high: number; exploration: number };
  /** Tasks currently preferred (in the band or not tried yet). */
  preferred?: number;
  stats: TaskStats[];
}

export const DEFAULT_EXPLORATION = 0.2;
const RECENCY = 0.5;

export class TaskSampler {
  private draws = 0;
  private explorationDraws = 0;
  private readonly random: SeededRandom;
  private readonly groups: Uint32Array;
  private readonly trajectories: Float64Array;
  private readonly successes: Float64Array;
  private readonly rate: Float64Array;
  // The preferred set as a dense array plus each task's position in it (-1: outside).
  private readonly preferred: Uint32Array;
  private readonly position: Int32Array;
  private preferredCount = 0;

  constructor(
    readonly tasks: number | undefined,
    seed: number,
    readonly band?: SuccessBand,
  ) {
    this.random = new SeededRandom(seed);
    const n = tasks ?? 0;
    this.groups = new Uint32Array(n);
    this.trajectories = new Float64Array(n);
    this.successes = new Float64Array(n);
    this.rate = new Float64Array(n).fill(NaN);
    this.preferred = new Uint32Array(band ? n : 0);
    this.position = new Int32Array(band ? n : 0);
    if (band) for (let t = 0; t < n; t++) this.add(t);
  }

  /** The task of the stream's `serial`-th group. */
  next(serial: number): number {
    this.draws++;
    if (this.tasks === undefined) return serial;
    if (!this.band) return this.random.below(this.tasks);
    if (this.random.float() < this.band.exploration || this.preferredCount === 0) {
      this.explorationDraws++;
      return this.random.below(this.tasks);
    }
    return this.preferred[this.random.below(this.preferredCount)];
  }

  record(task: number, successes: number, trajectories: number): void {
    if (this.tasks === undefined || trajectories === 0) return;
    this.groups[task]++;
    this.trajectories[task] += trajectories;
    this.successes[task] += successes;
    const r = successes / trajectories;
    this.rate[task] = Number.isNaN(this.rate[task]) ? r : this.rate[task] + RECENCY * (r - this.rate[task]);
    if (!this.band) return;
    const inBand = this.inBand(task);
    if (inBand && this.position[task] < 0) this.add(task);
    else if (!inBand && this.position[task] >= 0) this.remove(task);
  }

  report(): TaskReport {
    const kind = this.tasks === undefined ? 'fresh' : this.band ? 'success-band' : 'uniform';
    const stats: TaskStats[] = [];
    for (let t = 0; t < (this.tasks ?? 0); t++) {
      const tried = !Number.isNaN(this.rate[t]);
      stats.push({
        task: t,
        groups: this.groups[t],
        trajectories: this.trajectories[t],
        successes: this.successes[t],
        successRate: tried ? this.rate[t] : null,
        inBand: this.band && tried ? this.inBand(t) : null,
      });
    }
    const out: TaskReport = { kind, tasks: this.tasks ?? null, draws: this.draws, explorationDraws: this.explorationDraws, stats };
    if (this.band) {
      out.band = { low: this.band.low, high: this.band.high, exploration: this.band.exploration };
      out.preferred = this.preferredCount;
    }
    return out;
  }

  private inBand(task: number): boolean {
    const r = this.rate[task];
    return r >= this.band!.low && r <= this.band!.high;
  }

  private add(task: number): void {
    this.position[task] = this.preferredCount;
    this.preferred[this.preferredCount++] = task;
  }

  private remove(task: number): void {
    const at = this.position[task];
    const last = this.preferred[--this.preferredCount];
    this.preferred[at] = last;
    this.position[last] = at;
    this.position[task] = -1;
  }
}
