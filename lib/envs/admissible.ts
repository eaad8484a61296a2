// The actions an agent may take in env i's current state, as the text it would answer.
// Discrete envs (Sokoban, the card games...) have fixed action names, of which the env says which
// are legal now (the card games: the tokens the formula allows next); text envs (household, shop)
// name their admissible commands by the state, so those are read per state.
import type { EnvBatch } from './env-batch.js';
import { promptSpec } from './prompts.js';

// Discrete envs' action names (the same for every env and state) and a scratch array for the admissible ids.
const fixed = new WeakMap<EnvBatch, { names: readonly string[]; ids: Int32Array }>();

function fixedOf(batch: EnvBatch): { names: readonly string[]; ids: Int32Array } {
  let f = fixed.get(batch);
  if (!f) {
    f = { names: Array.from({ length: batch.numActions }, (_, a) => batch.actionName(0, a)), ids: new Int32Array(batch.numActions) };
    fixed.set(batch, f);
  }
  return f;
}

/** A discrete env's action names by id (envs whose observation does not list the actions). */
export function fixedActionNames(batch: EnvBatch): readonly string[] {
  return fixedOf(batch).names;
}

/** A placeholder for an action whose argument the agent chooses, e.g. `search[...]`. */
function showArgument(name: string): string {
  return name.endsWith('[]') ? `${name.slice(0, -1)}...]` : name;
}

export function admissibleActions(batch: EnvBatch, i: number): readonly string[] {
  if (!promptSpec(batch.env).observationListsActions) {
    const { names, ids } = fixedOf(batch);
    const count = batch.admissibleActionIdsInto(i, ids);
    // Every action admissible (the usual case): the same array each time, no copy.
    if (count === names.length) return names;
    return Array.from(ids.subarray(0, count), (a) => names[a]);
  }
  const out: string[] = [];
  for (let a = 0; a < batch.numActions; a++) {
    const name = batch.actionName(i, a);
    if (name !== '') out.push(showArgument(name));
  }
  return out;
}
