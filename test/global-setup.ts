// Runs once before the suite: compiles lib/ and bench/ into dist/ and bundles the CLI (incrementally: a second
// run with no change costs about 2 s of CPU), because worker threads, the CLI tests and
// the Python cross-checks run the compiled code while vitest runs lib/ from source. So
// `npx vitest run test/foo.test.ts` after an edit tests one version of the code, not two.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
    // The `gigpo` the CLI tests run is the bundle of dist/lib/cli (package.json "bin").
    execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`compiling lib/ into dist/ failed, so the tests would run stale code:\n${out || (err as Error).message}`);
  }
}
