// A rollout driven by an OpenAI-compatible server: the server reads the observation from
// the prompt and answers; token ids and log-probs land in the batch's ragged columns.
import { describe, expect, it } from 'vitest';

import { openAIPolicy, RolloutEngine, rowObservation } from '../lib/index.js';
import { completion, startFakeOpenAI } from './fixtures/fake-openai-server.js';

describe('rollout with openAIPolicy', () => {
  it('plays numberline through the server and captures token ids and log-probs', async () => {
    const server = await startFakeOpenAI((req) => {
      const messages = req.body.messages as { content: string }[];
      const m = /Position: (\d+)\nTarget: (\d+)/.exec(messages[messages.length - 1].content)!;
      const move = Number(m[1]) < Number(m[2]) ? '+' : '-';
      // Token ids encode the request so the test can check row alignment.
      return {
        json: completion(`<action>${move}</action>`, { promptIds: [1, 2, req.index], tokenIds: [7, req.index], logprobs: [-0.5, -0.25] }),
      };
    });
    try {
      const policy = openAIPolicy({ baseURL: server.baseURL, model: 'test-model', concurrency: 4, retryBaseMs: 1 });
      const batch = await new RolloutEngine().collect({ env: 'numberline', groups: 3, groupSize: 2, seed: 4, policy });
      const metrics = (batch.meta as { metrics: { successRate: number } }).metrics;
      expect(metrics.successRate).toBe(1);
      expect(server.requests.length).toBe(batch.numRows);
      const { promptIds, responseIds, logprobs } = batch;
      expect(promptIds && responseIds && logprobs).toBeTruthy();
      for (let r = 0; r < batch.numRows; r++) {
        const p = Array.from(promptIds!.data.subarray(promptIds!.offsets[r], promptIds!.offsets[r + 1]));
        const ids = Array.from(responseIds!.data.subarray(responseIds!.offsets[r], responseIds!.offsets[r + 1]));
        const lp = Array.from(logprobs!.data.subarray(logprobs!.offsets[r], logprobs!.offsets[r + 1]));
        expect(p.slice(0, 2)).toEqual([1, 2]);
        expect(ids).toEqual([7, p[2]]);
        expect(lp).toEqual([-0.5, -0.25]);
        // The request with that index saw this row's observation.
        const sent = server.requests[p[2]].body.messages as { content: string }[];
        expect(sent[sent.length - 1].content).toContain(rowObservation(batch, r));
      }
    } finally {
      await server.close();
    }
  });
});
