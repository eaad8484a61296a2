// The TextEnvs adapter over a native EnvBatch: env i of the interface is env i of the batch, and
// one stepText(i, text) parses and steps env i alone in the C++ core (synchronously).
import { actionOf, HOLD_ACTION, INVALID_ACTION, type EnvBatch } from './env-batch.js';
import { admissibleActions } from './admissible.js';
import { promptSpec } from './prompts.js';
import { INVALID_ACTION_TEXT, type StepOutcome, type TextEnvs } from './text-envs.js';

export function nativeTextEnvs(batch: EnvBatch): TextEnvs {
  // Discrete envs list their fixed action names; text envs list admissible commands in the observation.
  // When the observation lists the actions the prompt does not repeat them.
  const listed = promptSpec(batch.env, batch.options).observationListsActions;
  // TODO(native subset step): full-width parse/step holding the other envs, O(numEnvs) per step.
  const texts = new Array<string>(batch.numEnvs).fill('');
  const actions = new Int32Array(batch.numEnvs).fill(HOLD_ACTION);
  const parseAt = (i: number, text: string): number => {
    texts[i] = text;
    const a = batch.parse(texts)[i];
    texts[i] = '';
    return a;
  };
  const stepAt = (i: number, action: number): void => {
    actions[i] = action;
    batch.step(actions);
    actions[i] = HOLD_ACTION;
  };
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
      const parsed = parseAt(i, text);
      const action = actionOf(parsed);
      // Named before stepping: text envs name actions by the current state.
      const actionText = action === INVALID_ACTION ? INVALID_ACTION_TEXT : batch.actionName(i, action);
      stepAt(i, parsed);
      return {
        action,
        actionText,
        reward: batch.rewards[i],
        done: batch.done[i] === 1,
        truncated: batch.truncated[i] === 1,
        valid: batch.valid[i] === 1,
      };
    },
    close() {},
  };
}
