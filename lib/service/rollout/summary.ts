// The values that close a streamed rollout: its summary, or an error met after the
// response had started. Plain msgpack maps, told apart from chunks by `format`.
import { Packr } from 'msgpackr';

export const ERROR_FORMAT = 'gigpo.error';

const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeSummary(value: Record<string, unknown> | object): Uint8Array {
  return packr.pack(value);
}
