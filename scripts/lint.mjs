#!/usr/bin/env node
// `npm run lint`: biome over lib/, bench/, test/ (biome.json) and clang-format over native/
// (.clang-format), checking only. `npm run format` (--write) rewrites the files instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const write = process.argv.includes('--write');
const require = createRequire(import.meta.url);

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
const biome = run(process.execPath, [require.resolve('@biomejs/biome/bin/biome'), write ? 'check' : 'ci', ...(write ? ['--write'] : []), '.']);

const listed = spawnSync('git', ['ls-files', 'native/*.cpp', 'native/*.hpp', 'native/*.h', 'native/*.cc'], { cwd: root, encoding: 'utf8' });
const files = listed.status === 0 ? listed.stdout.split('\n').filter(Boolean) : [];
let clang = { status: 0 };
if (files.length > 0) {
  clang = run('clang-format', write ? ['-i', ...files] : ['--dry-run', '--Werror', ...files]);
  if (clang.error) console.error(`lint: clang-format not found (${clang.error.message}); install it (scripts/setup-test-tools.sh)`);
}
process.exit(biome.status || clang.status || (clang.error ? 1 : 0));
