// The public face: the package exports exactly README's "API" list, and the .d.ts users get
// (resolved through the package's own name, as an installed copy resolves it) has the types
// the README shows. The expectTypeOf lines are checked by tsc (npm test's pretest).
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';

import type * as Api from 'gigpo-engine';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## API\n'), readme.indexOf('\n## ', readme.indexOf('\n## API\n') + 1));
const listed = new Set(
  [...section.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]).filter((n) => n !== 'gigpo' && !n.startsWith('gigpo')),
);

/** The names dist/lib/index.d.ts exports (values and types). */
function declaredNames(): Set<string> {
  const dts = readFileSync(new URL('../dist/lib/index.d.ts', import.meta.url), 'utf8');
  const names = new Set<string>();
  for (const m of dts.matchAll(/export (?:type )?\{([^}]*)\}/g))
    for (const n of m[1].split(','))
      if (n.trim())
        names.add(
          n
            .trim()
            .split(/\s+as\s+/)
            .pop()!,
        );
  return names;
}

describe('public API', () => {
  it('exports at run time only names the README lists', async () => {
    const runtime = Object.keys(await import('gigpo-engine'));
    expect(runtime.filter((n) => !listed.has(n))).toEqual([]);
  });

  it('lists in the README only names the package declares, and declares nothing unlisted', () => {
    const declared = declaredNames();
    expect([...listed].filter((n) => !declared.has(n))).toEqual([]);
    expect([...declared].filter((n) => !listed.has(n))).toEqual([]);
  });

  it('types the README examples as shown', () => {
    expectTypeOf<Api.EnvBatch['rewards']>().toEqualTypeOf<Float32Array>();
    expectTypeOf<Api.EnvBatch['anchors']>().toEqualTypeOf<BigUint64Array>();
    expectTypeOf<typeof Api.createEnvBatch>().returns.toEqualTypeOf<Api.EnvBatch>();
    expectTypeOf<typeof Api.computeAdvantages>().parameter(0).toEqualTypeOf<Api.StepBatch>();
    expectTypeOf<typeof Api.computeAdvantages>().returns.toEqualTypeOf<Api.AdvantageResult>();
    expectTypeOf<Api.AdvantageResult['advantage']>().toEqualTypeOf<Float32Array>();
    expectTypeOf<Api.AdvantageResult['stepGroup']>().toEqualTypeOf<Uint32Array>();
    expectTypeOf<typeof Api.trajectoriesToBatch>().returns.toEqualTypeOf<Api.StepBatch>();
    expectTypeOf<Api.RolloutEngine['collect']>().returns.toEqualTypeOf<Promise<Api.StepBatch>>();
    expectTypeOf<Api.Estimator>().toEqualTypeOf<'gigpo' | 'grpo' | 'drgrpo' | 'rloo' | 'reinforce_pp_baseline' | 'grpo_passk'>();
    expectTypeOf<Api.TrainingBatch>().toMatchTypeOf<Api.StepBatch>();
    expectTypeOf<Api.TrainingBatch['importanceWeight']>().toEqualTypeOf<Float32Array>();
    expectTypeOf<Api.GigpoRangeError>().toMatchTypeOf<RangeError>();
    expectTypeOf<Api.GigpoArgumentError>().toMatchTypeOf<TypeError>();
    expectTypeOf<Api.StepBatch['prompt']>().toEqualTypeOf<Api.RaggedText | undefined>();
    expectTypeOf<typeof Api.openAIPolicy>().returns.toMatchTypeOf<Api.TextPolicy>();
    expectTypeOf<typeof Api.oraclePolicy>().returns.toEqualTypeOf<Api.NativePolicy>();
    expectTypeOf<Api.CollectOptions['remote']>().toEqualTypeOf<Api.RemoteEnvOptions | undefined>();
    expectTypeOf<Api.RemoteEnvOptions['protocol']>().toEqualTypeOf<Api.RemoteProtocol>();
    expectTypeOf<Api.RemoteProtocol>().toEqualTypeOf<'openenv' | 'agentgym'>();
    expectTypeOf<Api.RemoteEnvError['kind']>().toEqualTypeOf<Api.RemoteEnvFailure>();
    expectTypeOf<Api.RemoteEnvError>().toMatchTypeOf<Error>();
    expectTypeOf<Api.RolloutMeta['remote']>().toEqualTypeOf<Api.RemoteRunInfo | undefined>();
    expectTypeOf<typeof Api.startEnvServer>().returns.toEqualTypeOf<Promise<Api.EnvServer>>();
  });
});
