// Plain-TypeScript reference of the advantage estimators, written straight from
// docs/ADVANTAGES.md with Maps and arrays and no regard for speed. The tests check the native
// kernels against it; bench/advantage.ts uses it as the baseline. Shipped nowhere.
import type { ResolvedAdvantageOptions } from '../../lib/advantage/options.js';
import { rowObservation, type StepBatch } from '../../lib/io/step-batch.js';
import { ReferenceMatcher } from './difflib.js';

export interface ReferenceResult {
  returns: Float64Array;
  episodeAdvantage: Float64Array;
  stepAdvantage: Float64Array;
  advantage: Float64Array;
  stepGroup: Uint32Array;
  numGroups: number;
  numStepGroups: number;
  singletonStepGroups: number;
  zeroVarianceGroups: number;
}

interface Stats {
  n: number;
  mean: number;
  std: number;
  constant: boolean;
}

// Mean and unbiased std; when all values are equal the mean is that value exactly.
function stats(values: number[]): Stats {
  const n = values.length;
  const constant = values.every((v) => v === values[0]);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = n === 0 ? 0 : constant ? values[0] : sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const std = n < 2 || constant ? 0 : Math.sqrt(squares / (n - 1));
  return { n, mean, std, constant };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

interface Traj {
  start: number;
  end: number;
  group: number;
}

export function referenceAdvantages(batch: StepBatch, o: ResolvedAdvantageOptions): ReferenceResult {
  const n = batch.numRows;
  const c = o.invalidPenalty;
  const eps = o.epsilon;
  const trajs: Traj[] = [];
  for (let r = 0; r < n; r++) {
    if (r === 0 || batch.traj[r] !== batch.traj[r - 1]) trajs.push({ start: r, end: r + 1, group: batch.group[r] });
    else trajs[trajs.length - 1].end = r + 1;
  }

  // 1-2. Discounted returns and episode scores, both with the invalid-action penalty on the row.
  const R = new Float64Array(n);
  const s = new Float64Array(n);
  const trajScore: number[] = [];
  for (const t of trajs) {
    let running = 0;
    for (let r = t.end - 1; r >= t.start; r--) {
      running = batch.reward[r] + o.gamma * running;
      R[r] = running - c * (1 - batch.valid[r]);
    }
    let score = 0;
    for (let r = t.start; r < t.end; r++) score += batch.reward[r];
    if (o.normalizeByLength) score /= t.end - t.start;
    trajScore.push(score);
    for (let r = t.start; r < t.end; r++) s[r] = score - c * (1 - batch.valid[r]);
  }

  // 3. Task-group statistics over rows or over one score per trajectory.
  const elements = new Map<number, { value: number; traj: number; row: number }[]>();
  trajs.forEach((t, k) => {
    if (o.episodeStats === 'trajectories') push(elements, t.group, { value: trajScore[k], traj: k, row: -1 });
    else for (let r = t.start; r < t.end; r++) push(elements, t.group, { value: s[r], traj: k, row: r });
  });
  const groupStats = new Map<number, Stats>();
  for (const [g, list] of elements) groupStats.set(g, stats(list.map((e) => e.value)));

  const episode = new Float64Array(n);
  const std = o.mode === 'mean_std_norm';
  if (o.estimator === 'grpo_passk') {
    for (const [g, list] of elements) {
      if (list.length < 2) throw new RangeError(`grpo_passk: task group ${g} has ${list.length} element(s)`);
      const values = list.map((e) => e.value);
      const max = Math.max(...values);
      const best = values.indexOf(max);
      const second = Math.max(...values.filter((_, i) => i !== best));
      let gap = max - second;
      if (std) gap = gap === 0 ? 0 : gap / (groupStats.get(g)!.std + eps);
      const e = list[best];
      if (e.row >= 0) episode[e.row] = gap;
      else for (let r = trajs[e.traj].start; r < trajs[e.traj].end; r++) episode[r] = gap;
    }
  } else {
    for (const t of trajs) {
      const st = groupStats.get(t.group)!;
      for (let r = t.start; r < t.end; r++) {
        const x = s[r];
        switch (o.estimator) {
          case 'gigpo':
            if (st.n === 1) episode[r] = std ? x / (1 + eps) : x;
            else if (!std) episode[r] = x - st.mean;
            else episode[r] = st.constant ? x - st.mean : (x - st.mean) / (st.std + eps);
            break;
          case 'grpo':
            if (st.n === 1) episode[r] = x / (1 + eps);
            else episode[r] = st.constant ? x - st.mean : (x - st.mean) / (st.std + eps);
            break;
          case 'drgrpo':
          case 'reinforce_pp_baseline':
            episode[r] = st.n === 1 ? x : x - st.mean;
            break;
          case 'rloo':
            episode[r] = st.n === 1 ? x : (x - st.mean) * (st.n / (st.n - 1));
            break;
        }
      }
    }
    if (o.estimator === 'reinforce_pp_baseline') whiten(batch, episode);
  }

  // 4. Anchor-state step groups within each task group, numbered by first appearance.
  const stepGroup = new Uint32Array(n);
  let next = 0;
  if (o.anchors === 'exact') {
    const ids = new Map<number, Map<bigint, number>>();
    for (let r = 0; r < n; r++) {
      let byAnchor = ids.get(batch.group[r]);
      if (!byAnchor) {
        byAnchor = new Map();
        ids.set(batch.group[r], byAnchor);
      }
      let id = byAnchor.get(batch.anchor[r]);
      if (id === undefined) {
        id = next++;
        byAnchor.set(batch.anchor[r], id);
      }
      stepGroup[r] = id;
    }
  } else {
    const theta = o.anchors.similarity;
    const clusters = new Map<number, { first: ReferenceMatcher; id: number }[]>();
    for (let r = 0; r < n; r++) {
      let list = clusters.get(batch.group[r]);
      if (!list) {
        list = [];
        clusters.set(batch.group[r], list);
      }
      const text = rowObservation(batch, r);
      let cluster = list.find((cl) => cl.first.ratio(text) >= theta);
      if (!cluster) {
        cluster = { first: new ReferenceMatcher(text), id: next++ };
        list.push(cluster);
      }
      stepGroup[r] = cluster.id;
    }
  }

  // 5. Step advantages over each step group's returns.
  const stepValues = new Map<number, number[]>();
  for (let r = 0; r < n; r++) push(stepValues, stepGroup[r], R[r]);
  const stepStats = new Map<number, Stats>();
  for (const [id, values] of stepValues) stepStats.set(id, stats(values));
  const step = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const st = stepStats.get(stepGroup[r])!;
    if (st.n === 1) step[r] = 0;
    else if (!std) step[r] = R[r] - st.mean;
    else step[r] = st.constant ? 0 : (R[r] - st.mean) / (st.std + eps);
  }

  // 6. Combine (GiGPO only; the GRPO family is episode-level).
  const gigpo = o.estimator === 'gigpo';
  const advantage = new Float64Array(n);
  for (let r = 0; r < n; r++) advantage[r] = gigpo ? episode[r] + o.stepWeight * step[r] : episode[r];

  let singletons = 0;
  for (const st of stepStats.values()) if (st.n === 1) singletons++;
  let zeroVariance = 0;
  for (const st of groupStats.values()) if (st.constant) zeroVariance++;
  return {
    returns: R,
    episodeAdvantage: episode,
    stepAdvantage: gigpo ? step : new Float64Array(n),
    advantage,
    stepGroup,
    numGroups: groupStats.size,
    numStepGroups: next,
    singletonStepGroups: singletons,
    zeroVarianceGroups: zeroVariance,
  };
}

// (x - mean) / sqrt(var + 1e-8) over the batch, each row weighted by its response length
// (1 without token columns); var is the Bessel-corrected weighted variance.
function whiten(batch: StepBatch, x: Float64Array): void {
  const n = batch.numRows;
  const offsets = batch.responseIds?.offsets;
  const weight = (r: number) => (offsets ? offsets[r + 1] - offsets[r] : 1);
  let total = 0;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    total += weight(r);
    sum += weight(r) * x[r];
  }
  if (total === 0) {
    x.fill(0);
    return;
  }
  const mean = sum / total;
  let squares = 0;
  for (let r = 0; r < n; r++) squares += weight(r) * (x[r] - mean) * (x[r] - mean);
  const variance = total > 1 ? squares / (total - 1) : 0;
  const scale = 1 / Math.sqrt(variance + 1e-8);
  for (let r = 0; r < n; r++) x[r] = (x[r] - mean) * scale;
}
