// DESIGN.md's layering, checked over the import graph of lib/: each layer imports only the
// layers below it, and no module imports itself through a cycle.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../lib', import.meta.url));

/** Top to bottom. A module may import its own layer and the layers after it. */
const LAYERS = ['cli', 'service', 'inspect', 'rollout', 'score', 'policy', 'advantage', 'io', 'envs', 'util', '.'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function layerOf(file: string): string {
  const rel = relative(root, file);
  return rel.includes('/') ? rel.split('/')[0] : '.';
}

const graph = new Map<string, string[]>();
for (const file of files(root)) {
  if (file.endsWith('/index.ts') && dirname(file) === root) continue; // the public face re-exports everything
  const text = readFileSync(file, 'utf8');
  const deps = [...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)\.js'/gm)].map((m) => resolve(dirname(file), `${m[1]}.ts`));
  graph.set(file, deps);
}

describe('lib/ layering', () => {
  it('imports only downwards', () => {
    const bad: string[] = [];
    for (const [file, deps] of graph)
      for (const dep of deps) {
        const from = LAYERS.indexOf(layerOf(file));
        const to = LAYERS.indexOf(layerOf(dep));
        expect(from, `layer of ${file}`).toBeGreaterThanOrEqual(0);
        if (to < from) bad.push(`${relative(root, file)} -> ${relative(root, dep)}`);
      }
    expect(bad).toEqual([]);
  });

  it('has no import cycles', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(root, p)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
