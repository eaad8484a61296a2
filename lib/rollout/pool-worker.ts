// Piscina worker: runs one shard of a rollout (a run of whole groups) and returns its
// batch by transferring the column buffers.
import { move, transferableSymbol, valueSymbol } from 'piscina';

import { stepBatchBuffers } from '../io/concat.js';
import { RolloutEngine, type CollectOptions } from './engine.js';

export interface ShardTask {
  options: Omit<CollectOptions, 'signal' | 'onProgress' | 'cancelFlag'>;
  cancel: SharedArrayBuffer;
}

const engine = new RolloutEngine();

export default async function runShard(task: ShardTask): Promise<unknown> {
  const batch = await engine.collect({ ...task.options, cancelFlag: new Int32Array(task.cancel) });
  return move({
    get [transferableSymbol]() {
      return stepBatchBuffers(batch);
    },
    get [valueSymbol]() {
      return batch;
    },
  } as never);
}
