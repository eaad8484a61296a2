// Output destinations of the CLI: `-` is stdout, anything else a file written under a
// temporary name and renamed into place at the end (so a failed run leaves no file).
import { AtomicFile } from '../io/atomic-file.js';
import { writableSink, type ByteSink } from '../io/byte-sink.js';
import { formatOfPath, type DataFormat } from '../io/data-format.js';
import { UsageError } from './options.js';
import { removeOnSignal } from './signals.js';

export const STDIO = '-';

/** The format of `--out PATH`: --out-format if given, else the extension; stdout defaults to JSONL. */
export function outputFormat(path: string, flag: DataFormat | undefined): DataFormat {
  if (flag) return flag;
  if (path === STDIO) return 'jsonl';
  const format = formatOfPath(path);
  if (!format) throw new UsageError(`--out: cannot tell the format of '${path}' (use .jsonl or .msgpack, or --out-format)`);
  return format;
}

/** stdout, or a file under a temporary name that an interrupt (Ctrl-C, SIGTERM) removes. */
export async function openOutput(path: string): Promise<ByteSink> {
  if (path === STDIO) return writableSink(process.stdout);
  removeOnSignal(path);
  return AtomicFile.open(path);
}

/** Human summaries go to stdout, or to stderr when stdout carries the data. */
export function summaryStream(out: string): NodeJS.WriteStream {
  return out === STDIO ? process.stderr : process.stdout;
}
