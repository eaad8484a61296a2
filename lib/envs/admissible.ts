// The actions an agent may take in env i's current state, as the text it would answer.
// Discrete envs (Sokoban, the card games...) have fixed action names, of which the env says which
// are legal now (the card games: the tokens the formula allows next); text envs (household, shop)
// name their admissible commands by the state, so those are read per state.
import type { EnvBatch } from './env-batch.js';
import { promptSpec } from './prompts.js';

const fixedNames = new WeakMap<EnvBatch, readonly string[]>();

/** A placeholder for an action whose argument the agent chooses, e.g. `search[...]`. */
function showArgument(name: string): string {
  return name.endsWith('[]') ? `${name.slice(0, -1)}...]` : name;
}

export function admissibleActions(batch: EnvBatch, i: number): readonly string[] {
  if (!promptSpec(batch.env).observationListsActions) {
    let names = fixedNames.get(batch);
    if (!names) {
      names = Array.from({ length: batch.numActions }, (_, a) => batch.actionName(0, a));
      fixedNames.set(batch, names);
    }
    const ids = batch.admissibleActionIds(i);
    if (ids.length === names.length) return names;
    return Array.from(ids, (a) => names[a]);
  }
  const out: string[] = [];
  for (let a = 0; a < batch.numActions; a++) {
    const name = batch.actionName(i, a);
    if (name !== '') out.push(showArgument(name));
  }
  return out;
}
