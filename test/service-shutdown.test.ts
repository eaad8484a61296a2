// SIGTERM stops `gigpo serve` gracefully: a running rollout ends with whole chunks and a
// summary saying it was cut short, a waiting batch request gets a JSON error, the process
// exits 0.
import { Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';

import { decodeChunk } from '../lib/io/msgpack-chunk.js';
import { readMsgpackChunkBytes } from '../lib/io/msgpack-reader.js';
import { call } from './helpers/rollout-service.js';
import { startServeProcess } from './helpers/serve-process.js';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

describe('gigpo serve on SIGTERM', () => {
  it('finishes the chunk being written, sends the summary, answers waiting requests, exits 0', async () => {
    const serve = await startServeProcess();
    let exit: Promise<number | null> | undefined;
    try {
      const stream = await call(serve.url, 'POST', '/v1/streams', {
        env: 'sokoban',
        groupSize: 2,
        maxSteps: 2,
        bufferGroups: 4,
        policy: { kind: 'random' },
      });
      expect(stream.status).toBe(201);
      // Hardly any 2-step random group has reward variance: this request waits until the end.
      const waiting = call(serve.url, 'GET', `/v1/streams/${stream.json.id}/batch?rows=100000`);
      const res = await fetch(`${serve.url}/v1/rollouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          env: 'sokoban',
          groups: 100000,
          groupSize: 8,
          policy: { kind: 'oracle', epsilon: 0.3 },
          groupsPerJob: 16,
          concurrentJobs: 1,
        }),
      });
      const values: Record<string, unknown>[] = [];
      let chunks = 0;
      for await (const raw of readMsgpackChunkBytes(res.body as AsyncIterable<Uint8Array>, { name: 'rollout' })) {
        const value = unpackr.unpack(raw.bytes);
        values.push(value);
        if (value.format === 'gigpo.steps') {
          decodeChunk(raw.bytes, raw.source); // whole and valid
          if (++chunks === 3) exit = serve.stop('SIGTERM');
        }
      }
      // The framing reader throws on a cut-off value, so reaching here means no half chunk.
      const last = values[values.length - 1];
      expect(last).toMatchObject({ format: 'gigpo.summary', cancelled: 'shutdown' });
      expect(last.chunks).toBe(chunks);
      expect(last.groups).toBe(16 * chunks);
      expect(chunks).toBeLessThan(100000 / 16);
      const answered = await waiting;
      expect([410, 503]).toContain(answered.status);
      expect(answered.json.error.message).toContain('shutting down');
      expect(await exit, serve.log()).toBe(0);
      expect(serve.log()).toContain('"event":"stopped"');
    } finally {
      await serve.stop('SIGKILL');
    }
  });
});
