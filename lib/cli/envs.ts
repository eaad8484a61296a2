// gigpo envs: the environments and their options.
import type { Command } from 'commander';

import { promptSpec } from '../envs/prompts.js';
import { listEnvs, type EnvInfo } from '../envs/registry.js';

/** "integer in [1, 300], default 15; verl-agent 30" and the like. */
export function describeOption(o: EnvInfo['options'][number]): string {
  const parts: string[] = [o.kind];
  if (o.min !== undefined && o.max !== undefined && Number.isFinite(o.min) && Number.isFinite(o.max))
    parts[0] += ` in [${o.min}, ${o.max}]`;
  if (o.choices) parts[0] += ` (${o.choices.map((c) => `'${c}'`).join(', ')})`;
  if (o.default !== null) parts.push(`default ${typeof o.default === 'string' ? `'${o.default}'` : String(o.default)}`);
  else parts.push(o.defaultNote ? `default ${o.defaultNote}` : 'no default');
  if (o.verlAgentDefault !== undefined)
    parts.push(`verl-agent ${typeof o.verlAgentDefault === 'string' ? `'${o.verlAgentDefault}'` : String(o.verlAgentDefault)}`);
  return parts.join(', ');
}

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
        for (const o of e.options) console.log(`    ${o.name} (${describeOption(o)}): ${o.description}`);
        console.log();
      }
    });
}
