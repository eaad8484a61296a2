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
const biome = run(process.execPath, [
  require.resolve('@biomejs/biome/bin/biome'),
  write ? 'check' : 'ci',
  ...(write ? ['--write'] : []),
  '.',
]);

const listed = spawnSync('git', ['ls-files', 'native/*.cpp', 'native/*.hpp', 'native/*.h', 'native/*.cc'], { cwd: root, encoding: 'utf8' });
const files = listed.status === 0 ? listed.stdout.split('\n').filter(Boolean) : [];
// clang-format-14 (Debian's clang-format-14, the version of the clang the native tests use) first, then clang-format.
const clangFormat = ['clang-format-14', 'clang-format'].find((cmd) => !spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error);
let clang = { status: 0 };
if (files.length > 0) {
  if (clangFormat) clang = run(clangFormat, write ? ['-i', ...files] : ['--dry-run', '--Werror', ...files]);
  else {
    clang = { status: 1 };
    console.error('lint: neither clang-format-14 nor clang-format found; install it (scripts/setup-test-tools.sh)');
  }
}
process.exit(biome.status || clang.status || (clang.error ? 1 : 0));
