// Finds where a msgpack value ends without decoding it, so a stream of chunks can be cut
// into whole chunks with bounded memory: only headers are read, and bin/str payloads are
// skipped by length (a column's bytes never pass through this code). The walk is
// resumable: its whole state is the position and the number of values still to skip.

export interface WalkState {
  /** Absolute position of the next header. */
  pos: number;
  /** Values still to skip before the outer value is complete (0 = done). */
  pending: number;
}

/** A byte that is not a msgpack type (0xc1) where a value must start. */
export class MsgpackFramingError extends Error {
  constructor(
    readonly position: number,
    readonly byte: number,
  ) {
    super(`byte 0x${byte.toString(16).padStart(2, '0')} at offset ${position} does not start a msgpack value`);
  }
}

/** Header size (bytes) for each first byte 0xc0..0xdf; the variable parts are read below. */
function headerSize(b: number): number {
  if (b < 0xc0 || b >= 0xe0) return 1; // fixint, fixmap, fixarray, fixstr, negative fixint
  switch (b) {
    case 0xc4:
    case 0xd9:
      return 2; // bin8, str8
    case 0xc5:
    case 0xda:
    case 0xdc:
    case 0xde:
      return 3; // bin16, str16, array16, map16
    case 0xc6:
    case 0xdb:
    case 0xdd:
    case 0xdf:
      return 5; // bin32, str32, array32, map32
    case 0xc7:
      return 3; // ext8: len, type
    case 0xc8:
      return 4; // ext16
    case 0xc9:
      return 6; // ext32
    case 0xcc:
    case 0xd0:
      return 2;
    case 0xcd:
    case 0xd1:
      return 3;
    case 0xca:
    case 0xce:
    case 0xd2:
      return 5;
    case 0xcb:
    case 0xcf:
    case 0xd3:
      return 9;
    case 0xd4:
      return 3; // fixext1: type + 1
    case 0xd5:
      return 4;
    case 0xd6:
      return 6;
    case 0xd7:
      return 10;
    case 0xd8:
      return 18;
    default:
      return 1; // nil, false, true (0xc0, 0xc2, 0xc3); 0xc1 is rejected by the caller
  }
}

function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
}

/**
 * Advances `state` over the headers found in `window` (which holds the file's bytes from
 * absolute position `base`). Stops when the value is complete (pending 0) or when the next
 * header is not wholly inside the window; `state.pos` may then lie beyond the window (a
 * payload is skipped, not read). Throws MsgpackFramingError on the byte 0xc1.
 */
export function walk(window: Uint8Array, base: number, state: WalkState): void {
  const end = base + window.length;
  let { pos, pending } = state;
  while (pending > 0 && pos < end) {
    const i = pos - base;
    const b = window[i];
    if (b === 0xc1) throw new MsgpackFramingError(pos, b);
    const size = headerSize(b);
    if (pos + size > end) break;
    let skip = 0;
    pending--;
    if (b <= 0x7f || b >= 0xe0) {
      // positive / negative fixint
    } else if (b <= 0x8f) pending += 2 * (b & 0x0f);
    else if (b <= 0x9f) pending += b & 0x0f;
    else if (b <= 0xbf) skip = b & 0x1f;
    else
      switch (b) {
        case 0xc4:
        case 0xd9:
          skip = window[i + 1];
          break;
        case 0xc5:
        case 0xda:
          skip = u16(window, i + 1);
          break;
        case 0xc6:
        case 0xdb:
          skip = u32(window, i + 1);
          break;
        case 0xc7:
          skip = window[i + 1];
          break;
        case 0xc8:
          skip = u16(window, i + 1);
          break;
        case 0xc9:
          skip = u32(window, i + 1);
          break;
        case 0xdc:
          pending += u16(window, i + 1);
          break;
        case 0xdd:
          pending += u32(window, i + 1);
          break;
        case 0xde:
          pending += 2 * u16(window, i + 1);
          break;
        case 0xdf:
          pending += 2 * u32(window, i + 1);
          break;
        default:
          break; // fixed-size scalars and fixext: all in `size`
      }
    pos += size + skip;
  }
  state.pos = pos;
  state.pending = pending;
}
