// Plays every env of a batch with its oracle until each first episode ends (or maxSteps
// calls pass), holding envs that finished. Returns each env's final reward and length and
// whether the oracle ever chose an invalid action.
import { HOLD_ACTION, type EnvBatch } from '../../lib/index.js';

export interface OracleEpisodes {
  finished: Uint8Array;
  lastReward: Float64Array;
  steps: Uint32Array;
  invalidActions: number;
}

export function playOracleEpisodes(b: EnvBatch, maxSteps: number): OracleEpisodes {
  const n = b.numEnvs;
  const out: OracleEpisodes = {
    finished: new Uint8Array(n),
    lastReward: new Float64Array(n),
    steps: new Uint32Array(n),
    invalidActions: 0,
  };
  for (let t = 0; t < maxSteps; t++) {
    const actions = b.oracleActions();
    for (let i = 0; i < n; i++) if (out.finished[i]) actions[i] = HOLD_ACTION;
    b.step(actions);
    for (let i = 0; i < n; i++) {
      if (out.finished[i]) continue;
      if (!b.valid[i]) out.invalidActions++;
      if (b.done[i] || b.truncated[i]) {
        out.finished[i] = 1;
        out.lastReward[i] = b.rewards[i];
        out.steps[i] = b.episodeSteps[i];
      }
    }
  }
  return out;
}
