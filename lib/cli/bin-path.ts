// Where the `gigpo` executable is (package.json "bin": the bundle of lib/cli, scripts/bundle-cli.mjs),
// for benches and tests that run it as a user does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../native.js';

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { bin: { gigpo: string } };

export const gigpoBin = join(packageRoot, pkg.bin.gigpo);
