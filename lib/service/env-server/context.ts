// What every protocol handler of one env server shares.
import type { EnvInfo } from '../../envs/registry.js';
import type { SessionTable } from './sessions.js';

export interface EnvServerContext {
  readonly table: SessionTable;
  readonly info: EnvInfo;
  /** Longest accepted action text, in characters. */
  readonly maxActionChars: number;
}
