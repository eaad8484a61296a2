#!/usr/bin/env node
// Builds the native addon with node-gyp, and the C++ tight-loop bench (`gigpo bench`'s
// limit) only when asked: --bench, or GIGPO_BUILD_BENCH=1 (npm run build:native does).
// Without --force an existing build is reused, as node-gyp-build does on install.
// Node's headers: npm's `nodedir` setting if present, else the system's /usr/include/node
// when it exists (this avoids any header download), else node-gyp's own default.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const bench = process.argv.includes('--bench') || process.env.GIGPO_BUILD_BENCH === '1';
const addon = join(root, 'build', 'Release', 'gigpo.node');
const tightLoop = join(root, 'build', 'Release', 'gigpo-tightloop');

if (!force && existsSync(addon) && (!bench || existsSync(tightLoop))) {
  process.exit(0);
}

const require = createRequire(import.meta.url);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const args = [nodeGyp, 'rebuild', `--jobs=max`, `--gigpo_bench=${bench ? 1 : 0}`];
const nodedir = process.env.npm_config_nodedir;
if (!nodedir && existsSync('/usr/include/node/node_api.h')) {
  args.push('--nodedir=/usr');
}
const what = bench ? 'the native addon and the tight-loop bench' : 'the native addon';
console.error(`gigpo-engine: compiling ${what} (C++20 with node-gyp; a minute or two on 2 cores)...`);
const started = Date.now();
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('gigpo-engine: building the native addon failed (see the compiler output above).');
  process.exit(result.status ?? 1);
}
console.error(`gigpo-engine: built ${what} in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
