// TextEnvs: the per-env stepping interface the rollout engine's trajectory loop drives.
//
// A TextEnvs is a fixed set of `numEnvs` environments, laid out as `numEnvs / groupSize` task groups
// of `groupSize` members each (env i belongs to group `firstGroup + floor(i / groupSize)`, and every
// member of a group starts from the group's identical initial state). The loop treats each env as
// one trajectory: it reads the env's current state (observation, anchor, admissible actions), asks
// the policy, hands the policy's raw text to `stepText(i, text)`, records the outcome, and repeats
// until the outcome says `done` or `truncated`. Envs are stepped one at a time and in any order; a
// step of env i must touch env i only and cost O(1) in the number of envs.
//
// Two kinds implement it:
//  - native envs (`nativeTextEnvs(batch)` over an EnvBatch): synchronous steps in the C++ core;
//  - remote envs (clients of OpenEnv / AgentGym servers): asynchronous steps over the network.
// So `stepText` may return the outcome or a promise of it; the loop awaits either.
//
// Contract, for implementers:
//  - Before env i's first step, and after every step that did not end it, `observation(i)`,
//    `anchor(i)` and `admissibleActions(i)` describe the state the env's next action is taken from.
//    After a step that ended the episode they are not read again (no auto-reset is expected).
//  - `anchor(i)` is the 64-bit hash of env i's canonical state (for text envs whose state is the
//    observation: `hashStrings([observation])[0]`), so equal states of different trajectories share
//    an anchor (GiGPO's step groups).
//  - `stepText(i, text)` parses `text` with the env's answer format and steps env i. A response that
//    does not parse is not an error: it is an invalid action (`valid: false`, the env's penalty, the
//    state usually unchanged). It throws (or rejects) only when the env itself failed (a remote
//    server down, a protocol error); the loop then ends that trajectory with stopReason 'env-error'
//    and drops its group from the batch (counted in the metrics). It is never called again for an
//    env after it threw or after its episode ended.
//  - Steps of different envs may be in flight at the same time (remote envs); steps of one env never
//    overlap.
//  - `close()` releases what the envs hold (native memory, connections); called once, after the
//    last step, also when the rollout failed.

/** What one step of one env did. */
export interface StepOutcome {
  /**
   * The parsed action's id in [0, numActions) for envs with a discrete action set, INVALID_ACTION (-1)
   * when the text did not parse, and -1 for envs whose actions exist only as text (remote envs).
   */
  action: number;
  /** The action as the env understood it (its canonical name), or '(invalid)'; shown in later prompts. */
  actionText: string;
  /** Reward of this step. */
  reward: number;
  /** The episode ended by the env's rules. */
  done: boolean;
  /** The episode hit the step limit. */
  truncated: boolean;
  /** The text parsed into a legal action. */
  valid: boolean;
}

export interface TextEnvs {
  /** Environment name (the prompt template and success reward are looked up by it). */
  readonly env: string;
  readonly numEnvs: number;
  /** Members per task group; divides numEnvs. */
  readonly groupSize: number;
  /** Global id of the first group (a shard of a larger rollout). */
  readonly firstGroup: number;
  /** Step limit of one trajectory: no episode lasts longer (the loop sizes its row storage by it). */
  readonly maxSteps: number;
  /** The current observation of env i, as the policy sees it. */
  observation(i: number): string;
  /** 64-bit hash of env i's current canonical state. */
  anchor(i: number): bigint;
  /**
   * 64-bit hash of env i's FULL state (rollout option `anchor: 'state'`); envs that cannot tell
   * their full state (remote envs) leave it out.
   */
  stateAnchor?(i: number): bigint;
  /**
   * Actions env i may take now, as the policy should write them. Empty when the observation already
   * lists them (text envs), and then the prompt does not repeat them.
   */
  admissibleActions(i: number): readonly string[];
  /** Parses `text` as env i's action and steps env i (see the contract above). */
  stepText(i: number, text: string): StepOutcome | Promise<StepOutcome>;
  close(): void | Promise<void>;
}

/** Label of a failed or unparsed action in prompts and outcomes. */
export const INVALID_ACTION_TEXT = '(invalid)';
