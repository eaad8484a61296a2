// Sessions are slots of one native batch: opening a session takes a free slot, a reset
// puts that slot at the start of a task, a step steps that slot alone (O(1), the other
// sessions untouched). Ids grow and are never reused, so a stale id is reported as such
// ("closed" or "expired") instead of reaching another client's env.
import type { EnvBatch } from '../../envs/env-batch.js';
import { EnvServerError } from './errors.js';

export interface Session {
  readonly id: number;
  readonly slot: number;
  /** The task (group) the slot was last reset to; -1 before the first reset. */
  task: number;
  member: number;
  episodeId: string | null;
  /** The episode ended (done or step limit); a step now is refused until the next reset. */
  ended: boolean;
  lastActive: number;
}

const REMEMBERED_EXPIRED = 4096;

export class SessionTable {
  readonly batch: EnvBatch;
  private readonly idleTimeoutMs: number;
  private readonly free: number[] = [];
  private readonly sessions = new Map<number, Session>();
  private readonly expired = new Set<number>();
  private nextId = 0;
  private readonly index = new Uint32Array(1);
  private readonly group = new Uint32Array(1);
  private readonly memberIndex = new Uint32Array(1);
  private readonly response: string[] = [''];

  constructor(batch: EnvBatch, idleTimeoutMs: number) {
    this.batch = batch;
    this.idleTimeoutMs = idleTimeoutMs;
    for (let slot = batch.numEnvs - 1; slot >= 0; slot--) this.free.push(slot);
  }

  get size(): number {
    return this.sessions.size;
  }

  get capacity(): number {
    return this.batch.numEnvs;
  }

  open(now = performance.now()): Session {
    const slot = this.free.pop();
    if (slot === undefined)
      throw new EnvServerError('CAPACITY_REACHED', `all ${this.capacity} sessions are in use (--max-sessions ${this.capacity})`);
    const session: Session = { id: this.nextId++, slot, task: -1, member: 0, episodeId: null, ended: false, lastActive: now };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: number, now = performance.now()): Session {
    const session = this.sessions.get(id);
    if (!session) {
      if (this.expired.has(id))
        throw new EnvServerError('SESSION_EXPIRED', `session ${id} expired after ${this.idleTimeoutMs / 1000} s without requests`);
      throw new EnvServerError('UNKNOWN_SESSION', id < this.nextId ? `session ${id} was closed` : `session ${id} does not exist`);
    }
    session.lastActive = now;
    return session;
  }

  /** Puts the session at the start of `task` (members differ only in in-episode randomness). */
  reset(session: Session, task: number, member: number, episodeId: string | null = null): void {
    this.index[0] = session.slot;
    this.group[0] = task;
    this.memberIndex[0] = member;
    this.batch.resetAt(this.index, this.group, this.memberIndex);
    session.task = task;
    session.member = member;
    session.episodeId = episodeId;
    session.ended = false;
  }

  step(session: Session, text: string): void {
    if (session.task < 0) throw new EnvServerError('EPISODE_NOT_STARTED', `session ${session.id}: reset before stepping`);
    if (session.ended) throw new EnvServerError('EPISODE_DONE', `session ${session.id}: the episode has ended; reset to start another`);
    this.index[0] = session.slot;
    this.response[0] = text;
    this.batch.stepTextAt(this.index, this.response);
    session.ended = this.batch.done[session.slot] === 1 || this.batch.truncated[session.slot] === 1;
  }

  close(id: number): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.free.push(session.slot);
    return true;
  }

  /** Closes every session idle longer than the timeout; returns their ids. */
  expire(now = performance.now()): number[] {
    const out: number[] = [];
    for (const session of this.sessions.values()) if (now - session.lastActive > this.idleTimeoutMs) out.push(session.id);
    for (const id of out) {
      this.close(id);
      this.expired.add(id);
      if (this.expired.size > REMEMBERED_EXPIRED) this.expired.delete(this.expired.values().next().value as number);
    }
    return out;
  }
}
