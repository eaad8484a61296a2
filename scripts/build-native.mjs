#!/usr/bin/env node
// Builds the native addon (and the C++ tight-loop bench) with node-gyp.
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
const addon = join(root, 'build', 'Release', 'gigpo.node');

if (!force && existsSync(addon)) {
  process.exit(0);
}

const require = createRequire(import.meta.url);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const args = [nodeGyp, 'rebuild', `--jobs=max`];
const nodedir = process.env.npm_config_nodedir;
if (!nodedir && existsSync('/usr/include/node/node_api.h')) {
  args.push('--nodedir=/usr');
}
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('gigpo-engine: building the native addon failed (see the compiler output above).');
  process.exit(result.status ?? 1);
}
