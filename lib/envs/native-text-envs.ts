// The TextEnvs adapter over a native EnvBatch: env i of the interface is env i of the batch, and
// one stepText(i, text) parses and steps env i alone in the C++ core (synchronously). close()
// closes the batch.
import { INVALID_ACTION, type EnvBatch } from './env-batch.js';
import { promptSpec } from './prompts.js';
import { INVALID_ACTION_TEXT, type StepOutcome, type TextEnvs } from './text-envs.js';

export function nativeTextEnvs(batch: EnvBatch): TextEnvs {
  // Discrete envs list their fixed action names; text envs list admissible commands in the observation.
  const admissible: readonly string[] = promptSpec(batch.env).observationListsActions
    ? []
    : Array.from({ length: batch.numActions }, (_, a) => batch.actionName(0, a));
  // One-element arguments reused for every step: parse and step touch env i only, O(1) in numEnvs.
  const index = new Uint32Array(1);
  const action = new Int32Array(1);
  const text1 = [''];
  return {
    env: batch.env,
    numEnvs: batch.numEnvs,
    groupSize: batch.groupSize,
    firstGroup: batch.firstGroup,
    maxSteps: batch.maxSteps,
    observation: (i) => batch.observation(i),
    anchor: (i) => batch.anchors[i],
    admissibleActions: () => admissible,
    stepText(i: number, text: string): StepOutcome {
      index[0] = i;
      text1[0] = text;
      action[0] = batch.parseAt(index, text1)[0];
      // Named before stepping: text envs name actions by the current state.
      const actionText = action[0] === INVALID_ACTION ? INVALID_ACTION_TEXT : batch.actionName(i, action[0]);
      batch.stepAt(index, action);
      return {
        action: action[0],
        actionText,
        reward: batch.rewards[i],
        done: batch.done[i] === 1,
        truncated: batch.truncated[i] === 1,
        valid: batch.valid[i] === 1,
      };
    },
    close() {
      batch.close();
    },
  };
}
