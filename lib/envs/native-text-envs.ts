// The TextEnvs adapter over a native EnvBatch: env i of the interface is env i of the batch, and
// one stepText(i, text) parses and steps env i alone in the C++ core (synchronously). close()
// closes the batch.
import { actionOf, INVALID_ACTION, type EnvBatch } from './env-batch.js';
import { admissibleActions, fixedActionNames } from './admissible.js';
import { promptSpec } from './prompts.js';
import { INVALID_ACTION_TEXT, type StepOutcome, type TextEnvs } from './text-envs.js';

export function nativeTextEnvs(batch: EnvBatch): TextEnvs {
  // When the observation lists the actions the prompt does not repeat them.
  const listed = promptSpec(batch.env, batch.options).observationListsActions;
  // Discrete envs name their actions the same in every state.
  const names = listed ? undefined : fixedActionNames(batch);
  return {
    env: batch.env,
    numEnvs: batch.numEnvs,
    groupSize: batch.groupSize,
    firstGroup: batch.firstGroup,
    maxSteps: batch.maxSteps,
    observation: (i) => batch.observation(i),
    anchor: (i) => batch.anchors[i],
    stateAnchor: (i) => batch.stateAnchors[i],
    admissibleActions: (i) => (listed ? [] : admissibleActions(batch, i)),
    stepText(i: number, text: string): StepOutcome {
      // Parse and step touch env i only: O(1) in numEnvs, no arrays.
      const parsed = batch.parseOne(i, text);
      const action = actionOf(parsed);
      // Named before stepping: text envs name actions by the current state.
      const actionText = action === INVALID_ACTION ? INVALID_ACTION_TEXT : names ? names[action] : batch.actionName(i, action);
      batch.stepOne(i, parsed);
      return {
        action,
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
