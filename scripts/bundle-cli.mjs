// Bundles the compiled CLI (dist/lib/cli/main.js and the command modules it loads on demand,
// one chunk each) into dist/lib/bin/, the `gigpo` of package.json's "bin". Loading 40 small
// modules one by one costs a short command more than its work (module resolution, reading and
// linking each file): one chunk per command starts `gigpo score` about 15 ms sooner
// (bench/cli-start.ts). Our modules and commander (plain JavaScript, loaded by every command)
// are bundled; every other package and node's own modules stay imports. Worker threads still
// load dist/lib/ (lib/score/score-pool.ts, lib/rollout/pool.ts). Runs after tsc: `npm run build:ts`.
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'lib', 'bin');
const bundled = (id) => id.startsWith('.') || id.startsWith('/') || id === 'commander' || id.startsWith('commander/');

rmSync(out, { recursive: true, force: true });
const bundle = await rolldown({
  input: join(root, 'dist', 'lib', 'cli', 'main.js'),
  platform: 'node',
  external: (id) => !bundled(id),
  logLevel: 'warn',
});
await bundle.write({ dir: out, format: 'esm', entryFileNames: 'gigpo.js', chunkFileNames: '[name]-[hash].js' });
await bundle.close();
chmodSync(join(out, 'gigpo.js'), 0o755);
