// One env on a remote server, as both protocols' clients expose it to the remote TextEnvs.

export interface RemoteState {
  observation: string;
  reward: number;
  /** Ended by the env's rules. */
  done: boolean;
  /** Ended by the server's step limit. */
  truncated: boolean;
  /** True unless the server says the action was not valid. */
  valid: boolean;
  /** The server's state hash, when it sends one. */
  anchor?: bigint;
  admissible: readonly string[];
}

export interface RemoteSession {
  /** Opens the session if needed and starts `task` as member `member` of its group. */
  reset(task: number, member: number, deadline: number): Promise<RemoteState>;
  step(action: string, deadline: number): Promise<RemoteState>;
  /** Best effort: never throws. */
  close(): Promise<void>;
}

/** A 16-hex-digit anchor, or undefined for anything else. */
export function readAnchor(value: unknown): bigint | undefined {
  return typeof value === 'string' && /^[0-9a-f]{16}$/.test(value) ? BigInt(`0x${value}`) : undefined;
}

export function readStringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

export function readReward(value: unknown): number | undefined {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
