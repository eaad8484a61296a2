// What a session's current state looks like to a client, before protocol framing.
import { admissibleActions } from '../../envs/admissible.js';
import type { Session, SessionTable } from './sessions.js';

export interface SessionState {
  text: string;
  reward: number;
  /** The episode ended by the env's rules. */
  done: boolean;
  /** The episode hit the step limit. */
  truncated: boolean;
  /** The last action parsed and was legal (true after a reset). */
  valid: boolean;
  /** Hash of the canonical state, 16 hex digits: GiGPO's anchor for the next action. */
  anchor: string;
  admissibleActions: readonly string[];
  task: number;
  member: number;
  step: number;
}

export function anchorHex(anchor: bigint): string {
  return anchor.toString(16).padStart(16, '0');
}

export function sessionState(table: SessionTable, session: Session): SessionState {
  const batch = table.batch;
  const i = session.slot;
  return {
    text: batch.observation(i),
    reward: batch.rewards[i],
    done: batch.done[i] === 1,
    truncated: batch.truncated[i] === 1,
    valid: batch.valid[i] === 1,
    anchor: anchorHex(batch.anchors[i]),
    admissibleActions: admissibleActions(batch, i),
    task: session.task,
    member: session.member,
    step: batch.episodeSteps[i],
  };
}
