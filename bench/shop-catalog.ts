// The shop's seeded catalog and BM25 index: build time and resident memory, for 10k and
// 100k products, and the cost of a second batch with the same options (served from the
// thread's cache). Run with --expose-gc for steadier memory figures:
//   node --expose-gc dist/bench/shop-catalog.js
import { createEnvBatch } from '../lib/envs/env-batch.js';
import { formatTable } from '../lib/cli/format.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
createEnvBatch({ env: 'numberline', numEnvs: 1 }); // load the addon before measuring
const rows = [];
for (const catalogSize of [10_000, 100_000]) {
  gc();
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const first = createEnvBatch({ env: 'shop', numEnvs: 1, options: { catalogSize, catalogSeed: catalogSize } });
  const buildMs = performance.now() - t;
  gc();
  const rssMiB = (process.memoryUsage().rss - rss0) / 2 ** 20;
  t = performance.now();
  createEnvBatch({ env: 'shop', numEnvs: 1, options: { catalogSize, catalogSeed: catalogSize } });
  const cachedMs = performance.now() - t;
  rows.push({ catalogSize, buildMs, rssMiB, cachedMs, firstObservationBytes: first.observation(0).length });
}
console.log(
  formatTable(
    ['products', 'build ms', 'RSS added MiB', 'next batch ms (cached)'],
    rows.map((r) => [String(r.catalogSize), r.buildMs.toFixed(1), r.rssMiB.toFixed(1), r.cachedMs.toFixed(2)]),
  ),
);
console.log(JSON.stringify({ bench: 'shop-catalog', rows }));
