// gigpo inspect: a summary of a rollout or scored file (.msgpack or .jsonl, or - for stdin).
import { Option, type Command } from 'commander';

import { inspectFile, type InspectReport } from '../inspect/inspect-file.js';
import type { DataFormat } from '../io/data-format.js';
import { DEFAULT_MAX_OPEN_ROWS } from '../score/group-window.js';
import { formatTable } from './format.js';
import { STDIO } from './output.js';
import { parseInteger, parseNumber } from './options.js';
import { compact, progressWanted, startProgress } from './progress.js';

interface InspectFlags {
  json?: boolean;
  successReward?: number;
  format?: DataFormat;
  maxOpenRows: number;
  skipInvalid?: boolean;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .argument('<file>', 'a .msgpack or .jsonl file, scored or not, or - for stdin')
    .option('--json', 'print one JSON object')
    .option(
      '--success-reward <r>',
      "success = the episode ended with a last reward >= r (default: the env's, else return > 0)",
      parseNumber('--success-reward', -Number.MAX_VALUE, Number.MAX_VALUE),
    )
    .addOption(new Option('--format <format>', 'input format (default: from the extension, else detected)').choices(['jsonl', 'msgpack']))
    .option(
      '--max-open-rows <n>',
      'JSONL: rows held while groups may still grow',
      parseInteger('--max-open-rows', 2),
      DEFAULT_MAX_OPEN_ROWS,
    )
    .option('--skip-invalid', 'skip invalid lines or trajectories instead of failing')
    .action(async (file: string, flags: InspectFlags) => {
      const progress = startProgress(progressWanted(flags.json), 'reading', file === STDIO ? undefined : 1);
      let report: InspectReport;
      try {
        report = await inspectFile({
          input: file === STDIO ? process.stdin : file,
          inputFormat: flags.format,
          successReward: flags.successReward,
          maxOpenRows: flags.maxOpenRows,
          skipInvalid: flags.skipInvalid,
          onProgress: (p) => {
            const rate = p.elapsedMs > 0 ? (p.rows / p.elapsedMs) * 1000 : 0;
            progress.update(
              p.totalBytes ? p.bytesRead / p.totalBytes : 0,
              `${compact(p.rows)} rows, ${compact(p.groups)} groups, ${compact(rate)} rows/s`,
            );
          },
        });
      } finally {
        progress.stop();
      }
      if (flags.json) console.log(JSON.stringify(report));
      else console.log(describe(report));
    });
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** Four significant digits without trailing zeros: 0.25, 1.333, -7.202e-10 (the exponent is kept). */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const [mantissa, exponent] = x.toPrecision(4).split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}
const num = formatNumber;

function bar(count: number, max: number): string {
  return '#'.repeat(max > 0 ? Math.round((30 * count) / max) : 0);
}

function describe(r: InspectReport): string {
  const lines: string[] = [];
  lines.push(`${r.input}: ${r.format}, ${r.scored ? 'scored' : 'not scored'}${r.env ? `, env ${r.env}` : ''}`);
  lines.push(
    `rows ${r.rows}, trajectories ${r.trajectories}, groups ${r.groups}, mean length ${num(r.meanLength)}, invalid actions ${pct(r.invalidActionRate)}`,
  );
  lines.push(`success rate ${pct(r.successRate)} (${r.successCriterion})`);
  const d = r.returns;
  lines.push(
    `episode return: mean ${num(d.mean)}, min ${num(d.min)}, p10 ${num(d.p10)}, p25 ${num(d.p25)}, median ${num(d.median)}, p75 ${num(d.p75)}, p90 ${num(d.p90)}, max ${num(d.max)}`,
  );
  const most = Math.max(0, ...d.histogram.map((h) => h.count));
  lines.push(
    formatTable(
      ['return from', 'to', 'trajectories', ''],
      d.histogram.map((h) => [num(h.from), num(h.to), String(h.count), bar(h.count, most)]),
    ),
  );
  const s = r.stepGroups;
  lines.push(
    `step groups (${s.source}): ${s.count}, mean size ${num(s.meanSize)}, singletons ${s.singletons} (${pct(s.count ? s.singletons / s.count : 0)})`,
  );
  const mostSize = Math.max(0, ...s.sizeHistogram.map((h) => h.count));
  lines.push(
    formatTable(
      ['size', 'step groups', ''],
      s.sizeHistogram.map((h) => [h.size, String(h.count), bar(h.count, mostSize)]),
    ),
  );
  lines.push(`zero-variance groups (all returns equal): ${r.zeroVarianceGroups} of ${r.groups} (${pct(r.zeroVarianceShare)})`);
  if (r.advantage)
    lines.push(
      `advantage: mean ${num(r.advantage.mean)}, std ${num(r.advantage.std)}, min ${num(r.advantage.min)}, max ${num(r.advantage.max)}`,
    );
  if (r.skipped > 0) lines.push(`skipped ${r.skipped} invalid lines or trajectories`);
  return lines.join('\n');
}
