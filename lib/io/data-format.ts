// The two file formats (docs/FORMAT.md) and how a path or a first byte names one: a
// msgpack chunk starts with a map header (0x80-0x8f, 0xde, 0xdf); JSONL with text.
import { extname } from 'node:path';

import { GigpoArgumentError } from '../errors.js';

export type DataFormat = 'jsonl' | 'msgpack';

const EXTENSIONS: Record<string, DataFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.msgpack': 'msgpack',
  '.mpk': 'msgpack',
  '.msgpk': 'msgpack',
};

/** The format a file name implies, if its extension is a known one. */
export function formatOfPath(path: string): DataFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

/** `format` if it names a format; else GigpoArgumentError naming `path` (the option). */
export function checkFormat(format: unknown, path: string): DataFormat {
  if (format !== 'jsonl' && format !== 'msgpack') throw new GigpoArgumentError(path, `must be 'jsonl' or 'msgpack', got ${String(format)}`);
  return format;
}

/** The format whose data starts with `firstByte`. */
export function formatOfFirstByte(firstByte: number): DataFormat {
  return (firstByte >= 0x80 && firstByte <= 0x8f) || firstByte === 0xde || firstByte === 0xdf ? 'msgpack' : 'jsonl';
}
