// Gathers JSONL trajectories into complete task groups in bounded memory.
//
// The rule: trajectories are read in input order; a group stays open while its rows may
// still be followed by more of its trajectories. When the rows from the first row of the
// oldest open group to the current one exceed `maxOpenRows`, the oldest open groups (by
// first appearance) are taken as complete until that span is at most maxOpenRows / 2.
// So a group whose rows all lie within maxOpenRows / 2 consecutive rows is always scored
// whole: contiguous groups (the usual layout) stream through, and scattered ones are
// fine within that distance. A trajectory of a group that was already taken as complete
// is an error naming its line. Memory: about maxOpenRows rows plus, per completed group,
// about 32 bytes (its key's 64-bit hash in a hash table, to recognise it if it reappears).
import { hashStrings } from '../envs/hash.js';
import { GigpoArgumentError, GigpoInputError } from '../errors.js';
import type { RecordId } from '../io/jsonl-records.js';
import { InternTable } from '../io/intern-table.js';

/** What the window needs to know of a trajectory. */
export interface WindowTrajectory {
  group: RecordId;
  traj: RecordId;
  numSteps: number;
  /** "file:line", for messages. */
  source: string;
}

export interface OpenGroup<S, T extends WindowTrajectory = WindowTrajectory> {
  /** The group's id as first read. */
  id: RecordId;
  /** Its trajectories in input order. */
  records: T[];
  /** What the caller attached to each trajectory (same order). */
  slots: S[];
  rows: number;
  /** Position (rows read before it) of the group's first row. */
  firstRow: number;
  trajNames: Set<string>;
}

/** Groups compare as strings (as trajectoriesToBatch's labels do): 7 and "7" are one group. */
/**
 * Default bound of held rows: a group may be spread over 16384 rows. Held JSONL records
 * cost about 0.5 KB of memory per row (parsed objects and their garbage), so this keeps
 * `gigpo score` of any JSONL file at about 250 MB (bench/score-memory.ts).
 */
export const DEFAULT_MAX_OPEN_ROWS = 1 << 15;
/** Default rows per scoring batch of whole groups. */
export const DEFAULT_BATCH_ROWS = 1 << 14;

const keyOf = (id: RecordId): string => (typeof id === 'number' ? String(id) : id);

export class GroupWindow<S, T extends WindowTrajectory = WindowTrajectory> {
  private readonly open = new Map<string, OpenGroup<S, T>>(); // insertion order = first appearance
  private readonly closed = new InternTable();
  private readonly words = new Uint32Array(2);
  private position = 0;

  constructor(readonly maxOpenRows: number) {
    if (!Number.isSafeInteger(maxOpenRows) || maxOpenRows < 2)
      throw new GigpoArgumentError('maxOpenRows', `expected an integer >= 2, got ${String(maxOpenRows)}`);
  }

  /** Groups open now. */
  get openGroups(): number {
    return this.open.size;
  }

  /** Rows from the first row of the oldest open group to the last row read: what the bound limits. */
  get heldRows(): number {
    return this.span();
  }

  /** Whether the record's trajectory name was already used in its (open) group. */
  isDuplicate(record: WindowTrajectory): boolean {
    return this.open.get(keyOf(record.group))?.trajNames.has(keyOf(record.traj)) ?? false;
  }

  /**
   * Adds a trajectory with the caller's `slot`; returns the groups this completes
   * (oldest first; often none). Throws GigpoInputError for a trajectory of a completed
   * group or a repeated trajectory name within a group.
   */
  add(record: T, slot: S): OpenGroup<S, T>[] {
    const key = keyOf(record.group);
    let group = this.open.get(key);
    if (!group) {
      if (this.wasClosed(key, false))
        throw new GigpoInputError(
          record.source,
          `group: ${JSON.stringify(record.group)} appears again after its group was scored; the rows of a group must lie within ` +
            `${this.maxOpenRows >> 1} rows (half the open-rows limit ${this.maxOpenRows}, --max-open-rows): sort the input by group or raise the limit`,
        );
      group = { id: record.group, records: [], slots: [], rows: 0, firstRow: this.position, trajNames: new Set() };
      this.open.set(key, group);
    }
    const name = keyOf(record.traj);
    if (group.trajNames.has(name))
      throw new GigpoInputError(
        record.source,
        `traj: trajectory ${JSON.stringify(record.traj)} appears twice in group ${JSON.stringify(record.group)}`,
      );
    group.trajNames.add(name);
    group.records.push(record);
    group.slots.push(slot);
    group.rows += record.numSteps;
    this.position += record.numSteps;
    return this.span() > this.maxOpenRows ? this.closeOldest(this.maxOpenRows >> 1) : [];
  }

  /** At the end of the input: every open group, oldest first. */
  finish(): OpenGroup<S, T>[] {
    return this.closeOldest(-1);
  }

  /** Rows from the first row of the oldest open group to the end. */
  private span(): number {
    for (const g of this.open.values()) return this.position - g.firstRow;
    return 0;
  }

  private closeOldest(until: number): OpenGroup<S, T>[] {
    const out: OpenGroup<S, T>[] = [];
    for (const [key, g] of this.open) {
      if (this.position - g.firstRow <= until) break;
      this.open.delete(key);
      this.wasClosed(key, true);
      out.push(g);
    }
    return out;
  }

  /** Whether `key` was closed before; with `mark`, records it as closed. */
  private wasClosed(key: string, mark: boolean): boolean {
    const h = hashStrings([key]);
    const w = this.words;
    w[0] = Number(h[0] & 0xffffffffn);
    w[1] = Number(h[0] >> 32n);
    if (mark) {
      if (this.closed.get(w[0], w[1]) < 0) this.closed.add(w[0], w[1], 1);
      return true;
    }
    return this.closed.get(w[0], w[1]) >= 0;
  }
}

/** Splits completed groups (in order) into runs of whole groups of at least `batchRows` rows (the last may be smaller). */
export function batchGroups<G extends { rows: number }>(groups: readonly G[], batchRows: number): G[][] {
  const out: G[][] = [];
  let run: G[] = [];
  let rows = 0;
  for (const g of groups) {
    run.push(g);
    rows += g.rows;
    if (rows >= batchRows) {
      out.push(run);
      run = [];
      rows = 0;
    }
  }
  if (run.length > 0) out.push(run);
  return out;
}
