// The live streams of a server, by id, within the stream limit.
import { randomUUID } from 'node:crypto';

import type { GroupRunner } from './group-runner.js';
import { HttpError } from './http-error.js';
import { StreamProducer } from './stream-producer.js';
import type { StreamSpec } from './stream-request.js';

export class StreamRegistry {
  private readonly streams = new Map<string, StreamProducer>();

  constructor(
    private readonly runner: GroupRunner,
    private readonly maxStreams: number,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  create(spec: StreamSpec): StreamProducer {
    if (this.streams.size >= this.maxStreams)
      throw new HttpError('limit', `${this.streams.size} streams are open, the server's limit (--max-streams); delete one first`);
    const id = randomUUID();
    const stream = new StreamProducer(id, spec, this.runner);
    this.streams.set(id, stream);
    return stream;
  }

  get(id: string): StreamProducer {
    const stream = this.streams.get(id);
    if (!stream) throw new HttpError('not_found', `no stream ${JSON.stringify(id)} (deleted, or never created)`, 'id');
    return stream;
  }

  delete(id: string): StreamProducer {
    const stream = this.get(id);
    stream.stop();
    this.streams.delete(id);
    return stream;
  }

  list(): StreamProducer[] {
    return [...this.streams.values()];
  }

  /** Stops every stream; resolves once none has a job running. */
  async stopAll(reason: string): Promise<void> {
    const all = [...this.streams.values()];
    this.streams.clear();
    for (const s of all) s.stop(reason);
    await Promise.all(all.map((s) => s.drained()));
  }
}
