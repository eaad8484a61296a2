// One abort listener per signal, however many requests wait on it (the cause of the
// MaxListenersExceededWarning that every rollout with more than ten queued requests printed).
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

import { onAbort } from '../lib/util/abort.js';
import { openAIPolicy } from '../lib/policy/openai.js';
import { Semaphore } from '../lib/util/semaphore.js';
import { completion, startFakeOpenAI, type FakeOpenAIServer } from './fixtures/fake-openai-server.js';

describe('abort listeners', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('onAbort keeps one listener per signal and removes it when the last subscriber leaves', () => {
    const c = new AbortController();
    const calls: number[] = [];
    const offs = Array.from({ length: 40 }, (_, k) => onAbort(c.signal, () => calls.push(k)));
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(1);
    offs[3]();
    offs[3](); // twice is harmless
    c.abort();
    expect(calls).toHaveLength(39);
    expect(calls).not.toContain(3);
    const d = new AbortController();
    const more = Array.from({ length: 5 }, () => onAbort(d.signal, () => {}));
    for (const off of more) off();
    expect(getEventListeners(d.signal, 'abort')).toHaveLength(0);
  });

  it('100 semaphore waiters on one signal add one listener and all reject on abort', async () => {
    const slots = new Semaphore(1);
    const c = new AbortController();
    const release = await slots.acquire(c.signal);
    const waiting = Array.from({ length: 100 }, () => slots.acquire(c.signal));
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(1);
    c.abort(new Error('stop'));
    const results = await Promise.allSettled(waiting);
    expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).name === 'AbortError')).toBe(true);
    release();
    expect(slots.inUse).toBe(0);
  });

  it('an openai act() of 60 requests with concurrency 3 prints no MaxListenersExceededWarning', async () => {
    server = await startFakeOpenAI(() => ({ json: completion('<action>up</action>'), delayMs: 2 }));
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const policy = openAIPolicy({ baseURL: server.baseURL, model: 'm', concurrency: 3 });
      const c = new AbortController();
      const requests = Array.from({ length: 60 }, (_, k) => ({
        group: 0,
        traj: k,
        step: 0,
        messages: [{ role: 'user' as const, content: 'hi' }],
      }));
      const out = await policy.act(requests, c.signal);
      expect(out.map((r) => r.text)).toEqual(requests.map(() => '<action>up</action>'));
      expect(server.maxInFlight).toBe(3);
      expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
