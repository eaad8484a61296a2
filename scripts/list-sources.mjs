#!/usr/bin/env node
// Prints the .cpp files under the given folders, one per line, for binding.gyp's
// command expansion, so that adding a source file never needs a build-file edit.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.name.endsWith('.cpp')) out.push(path);
  }
  return out;
}

const files = process.argv
  .slice(2)
  .flatMap((dir) => walk(dir))
  .sort();
process.stdout.write(files.map((f) => relative(process.cwd(), f)).join('\n') + '\n');
