// Which state hash a rollout records as each row's `anchor` (GiGPO's step grouping):
// 'observation' (default, the reference's behaviour): the hash of the env's anchor key, which
// for text envs is the observation text; 'state': the hash of the env's FULL canonical state
// (EnvBatch.stateAnchors), so states with equal text but different hidden state (a household
// inventory, a shop's selected options) form separate step groups. Equal state hashes imply
// equal observation hashes, so 'state' groups refine 'observation' groups.
import { GigpoArgumentError } from '../errors.js';

export type AnchorSource = 'observation' | 'state';

export const ANCHOR_SOURCES: readonly AnchorSource[] = ['observation', 'state'];

/** `value` as an AnchorSource (undefined = 'observation'); a clear error naming `name` otherwise. */
export function anchorSourceOf(value: unknown, name = 'anchor'): AnchorSource {
  if (value === undefined) return 'observation';
  if (value === 'observation' || value === 'state') return value;
  throw new GigpoArgumentError(name, `expected 'observation' or 'state', got ${JSON.stringify(value)}`);
}
