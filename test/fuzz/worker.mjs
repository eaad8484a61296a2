// The fuzz suite's reader process: runs one task per message (score, score on a 2-thread
// pool, score --skip-invalid, inspect, or a plain read) on a case file with the library
// the CLI uses, and answers { id, ok } or { id, ok: false, error, gigpo }. The driver
// watches it: a death is a crash, a silence past the case timeout is a hang.
import { join } from 'node:path';

import { GigpoInputError, inspectFile, readMsgpackChunks, scoreFile, ScorePool } from '../../dist/lib/index.js';
// The JSONL reader the scorer uses (internal: the public API has readTrajectoryRecords).
import { readJsonlTrajectories } from '../../dist/lib/io/jsonl-reader.js';

let pool;

async function run({ task, path, outDir }) {
  const output = join(outDir, path.endsWith('.msgpack') ? 'out.jsonl' : 'out.msgpack');
  switch (task) {
    case 'score':
      return scoreFile({ input: path, output });
    case 'score-skip':
      return scoreFile({ input: path, output, skipInvalid: true });
    case 'score-pool':
      pool ??= new ScorePool({ threads: 2 });
      return scoreFile({ input: path, output, scorer: pool });
    case 'inspect':
      return inspectFile({ input: path });
    case 'read':
      for await (const _ of path.endsWith('.msgpack') ? readMsgpackChunks(path) : readJsonlTrajectories(path));
      return;
    default:
      throw new Error(`unknown task ${task}`);
  }
}

process.on('message', async (message) => {
  try {
    await run(message);
    process.send({ id: message.id, ok: true });
  } catch (err) {
    process.send({
      id: message.id,
      ok: false,
      error: `${err?.name}: ${err?.message}`.slice(0, 2000),
      gigpo: err instanceof GigpoInputError,
    });
  }
});
process.send({ ready: true });
