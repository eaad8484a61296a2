// Remote envs behind the TextEnvs interface: env i is one session on an OpenEnv or AgentGym
// server, reset to its group's task (group g plays tasks[g]; its members all start there).
// openRemoteEnvs() opens and resets every session first (bounded concurrency, retries), so
// the loop can read observation/anchor/admissibleActions synchronously. A session that
// cannot be opened, or whose step fails, throws from stepText: the loop ends that trajectory
// ('env-error') and drops its group; the other sessions go on.
import { hashStrings } from '../hash.js';
import { promptSpec } from '../prompts.js';
import { INVALID_ACTION_TEXT, type StepOutcome, type TextEnvs } from '../text-envs.js';
import { lastActionTag } from './action-text.js';
import { AgentGymSession } from './agentgym-session.js';
import { RemoteCaller } from './caller.js';
import { RemoteEnvError } from './errors.js';
import { OpenEnvSession } from './openenv-session.js';
import type { ResolvedRemoteOptions } from './options.js';
import type { RemoteSession, RemoteState } from './session.js';

export interface RemoteLayout {
  groups: number;
  groupSize: number;
  firstGroup?: number;
}

export interface RemoteTextEnvs extends TextEnvs {
  /** Envs whose session failed (at open or in a step), with why. */
  readonly failures: ReadonlyMap<number, RemoteEnvError>;
  /** Calls that were repeated after a failure. */
  readonly retries: number;
}

export async function openRemoteEnvs(o: ResolvedRemoteOptions, layout: RemoteLayout, signal?: AbortSignal): Promise<RemoteTextEnvs> {
  const n = layout.groups * layout.groupSize;
  const caller = new RemoteCaller(o, signal);
  const sessions: RemoteSession[] = Array.from({ length: n }, () =>
    o.protocol === 'openenv' ? new OpenEnvSession(o.url, caller) : new AgentGymSession(o.url, caller),
  );
  const states: Array<RemoteState | undefined> = new Array(n);
  const anchors = new BigUint64Array(n);
  const steps = new Uint32Array(n);
  const deadlines = new Float64Array(n);
  const failures = new Map<number, RemoteEnvError>();
  const listsActions = promptSpec(o.envName).observationListsActions;

  const settle = (i: number, state: RemoteState): void => {
    states[i] = state;
    anchors[i] = state.anchor ?? hashStrings([state.observation])[0];
  };
  const record = (i: number, err: unknown): RemoteEnvError => {
    const e = err instanceof RemoteEnvError ? err : new RemoteEnvError('protocol', o.url, String(err), { cause: err });
    failures.set(i, e);
    states[i] = undefined;
    return e;
  };

  await Promise.all(
    sessions.map(async (session, i) => {
      deadlines[i] = performance.now() + o.episodeTimeMs;
      try {
        settle(i, await session.reset(o.tasks[Math.floor(i / layout.groupSize)], i % layout.groupSize, deadlines[i]));
      } catch (err) {
        if (signal?.aborted) throw err;
        record(i, err); // stepText(i) reports it
      }
    }),
  ).catch(async (err) => {
    await Promise.all(sessions.map((s) => s.close()));
    throw err;
  });

  return {
    env: o.envName,
    numEnvs: n,
    groupSize: layout.groupSize,
    firstGroup: layout.firstGroup ?? 0,
    maxSteps: o.maxSteps,
    failures,
    get retries() {
      return caller.retries;
    },
    observation: (i) => states[i]?.observation ?? '',
    anchor: (i) => anchors[i],
    admissibleActions: (i) => (listsActions ? [] : (states[i]?.admissible ?? [])),
    async stepText(i: number, text: string): Promise<StepOutcome> {
      const failed = failures.get(i);
      if (failed) throw failed;
      const tagged = lastActionTag(text);
      const action = o.actionFormat === 'raw' ? text : (tagged ?? '');
      let state: RemoteState;
      try {
        state = await sessions[i].step(action, deadlines[i]);
      } catch (err) {
        if (signal?.aborted) throw err;
        throw record(i, err);
      }
      settle(i, state);
      steps[i]++;
      const truncated = state.truncated || (!state.done && steps[i] >= o.maxSteps);
      return {
        action: -1,
        actionText: state.valid && tagged !== undefined ? tagged : INVALID_ACTION_TEXT,
        reward: state.reward,
        done: state.done,
        truncated,
        valid: state.valid,
      };
    },
    async close() {
      await Promise.all(sessions.map((s) => s.close()));
    },
  };
}
