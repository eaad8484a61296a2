// gigpo envs: the environments and their options.
import type { Command } from 'commander';

import { promptSpec } from '../envs/prompts.js';
import { listEnvs } from '../envs/registry.js';

export function registerEnvs(program: Command): void {
  program
    .command('envs')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      const envs = listEnvs().map((e) => ({ ...e, maxTokens: promptSpec(e.name).maxTokens }));
      if (flags.json) {
        console.log(JSON.stringify(envs));
        return;
      }
      for (const e of envs) {
        console.log(`${e.name}\n  ${e.description}\n  text policies: max tokens per answer ${e.maxTokens} (default of --max-tokens)`);
        for (const o of e.options) console.log(`    ${o.name} (${o.kind}, default ${o.default}): ${o.description}`);
        console.log();
      }
    });
}
