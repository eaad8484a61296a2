// gigpo score: GiGPO / GRPO-family advantages for a JSONL or msgpack file (or stdin), in
// bounded memory, written as scored JSONL or msgpack in input order.
import { stat } from 'node:fs/promises';

import { Option, type Command } from 'commander';

import { ESTIMATORS, type AdvantageOptions, type Estimator } from '../advantage/options.js';
import { inlineScorer, type Scorer } from '../score/scorer.js';
import { scoreFile, type ScoreSummary } from '../score/score-file.js';
import type { DataFormat } from '../io/data-format.js';
import { DEFAULT_BATCH_ROWS, DEFAULT_MAX_OPEN_ROWS } from '../score/group-window.js';
import { openOutput, outputFormat, STDIO, summaryStream } from './output.js';
import { parseInteger, parseNumber, UsageError } from './options.js';
import { compact, progressWanted, startProgress } from './progress.js';
import { pauseOptimizer } from '../util/optimizer.js';

interface ScoreFlags {
  out: string;
  estimator: Estimator;
  gamma: number;
  mode?: 'mean_norm' | 'mean_std_norm';
  stepWeight: number;
  epsilon: number;
  invalidPenalty: number;
  episodeStats: 'rows' | 'trajectories';
  similarity?: number;
  normalizeByLength?: boolean;
  threads: number;
  skipInvalid?: boolean;
  maxOpenRows: number;
  batchRows: number;
  rows?: boolean;
  format?: DataFormat;
  outFormat?: DataFormat;
  json?: boolean;
}

function parseSimilarity(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new UsageError(`--similarity: expected a number θ with 0 < θ < 1, got '${value}'`);
  return n;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .argument('<input>', 'input file (.jsonl or .msgpack), or - for stdin')
    .requiredOption('--out <file>', 'output file (.jsonl or .msgpack), or - for stdout')
    .addOption(new Option('--estimator <name>', 'advantage estimator').choices(ESTIMATORS).default('gigpo'))
    .option('--gamma <g>', 'discount γ in [0, 1]', parseNumber('--gamma', 0, 1), 0.95)
    .addOption(
      new Option('--mode <mode>', 'normalisation (default mean_norm; grpo_passk: mean_std_norm)').choices(['mean_norm', 'mean_std_norm']),
    )
    .option('--step-weight <w>', 'weight ω of the step advantage', parseNumber('--step-weight', -Number.MAX_VALUE, Number.MAX_VALUE), 1)
    .option('--epsilon <e>', 'ε added to std in mean_std_norm', parseNumber('--epsilon', Number.MIN_VALUE, Number.MAX_VALUE), 1e-6)
    .option(
      '--invalid-penalty <c>',
      'subtracted from a row whose action was invalid',
      parseNumber('--invalid-penalty', 0, Number.MAX_VALUE),
      0.1,
    )
    .addOption(
      new Option('--episode-stats <over>', 'episode statistics over rows (reference) or trajectories (paper)')
        .choices(['rows', 'trajectories'])
        .default('rows'),
    )
    .option('--similarity <θ>', 'group anchor states by text similarity ≥ θ instead of exact equality', parseSimilarity)
    .option('--normalize-by-length', 'divide the episode score by the trajectory length')
    .option('--threads <n>', 'worker threads for scoring (1 = this thread)', parseInteger('--threads', 1, 256), 1)
    .option('--skip-invalid', 'skip invalid lines, trajectories or chunks (and report how many) instead of failing')
    .option(
      '--max-open-rows <n>',
      'JSONL: rows held while groups may still grow; a group must lie within half of it',
      parseInteger('--max-open-rows', 2),
      DEFAULT_MAX_OPEN_ROWS,
    )
    .option('--batch-rows <n>', 'JSONL: rows per scoring batch of whole groups', parseInteger('--batch-rows', 1), DEFAULT_BATCH_ROWS)
    .option('--rows', 'JSONL output in row form (one step per line) instead of one trajectory per line')
    .addOption(new Option('--format <format>', 'input format (default: from the extension, else detected)').choices(['jsonl', 'msgpack']))
    .addOption(
      new Option('--out-format <format>', 'output format (default: from the extension; JSONL for -)').choices(['jsonl', 'msgpack']),
    )
    .option('--json', 'print the summary as one JSON line')
    .action(async (input: string, flags: ScoreFlags) => {
      const format = outputFormat(flags.out, flags.outFormat);
      const advantage: AdvantageOptions = {
        estimator: flags.estimator,
        gamma: flags.gamma,
        mode: flags.mode,
        stepWeight: flags.stepWeight,
        epsilon: flags.epsilon,
        invalidPenalty: flags.invalidPenalty,
        episodeStats: flags.episodeStats,
        normalizeByLength: flags.normalizeByLength ?? false,
        anchors: flags.similarity === undefined ? 'exact' : { similarity: flags.similarity },
      };
      const pool =
        flags.threads > 1 && !(await smallInput(input))
          ? new (await import('../score/score-pool.js')).ScorePool({ threads: flags.threads })
          : undefined;
      if (!pool) pauseOptimizer(); // usually brief; resumed where JavaScript does the work (lib/util/optimizer.ts)
      const progress = startProgress(progressWanted(flags.json), 'scoring', input === STDIO ? undefined : 1);
      let summary: ScoreSummary;
      try {
        const sink = await openOutput(flags.out);
        summary = await scoreFile({
          input: input === STDIO ? process.stdin : input,
          inputFormat: flags.format,
          output: sink,
          outputFormat: format,
          jsonlForm: flags.rows ? 'row' : 'trajectory',
          advantage,
          maxOpenRows: flags.maxOpenRows,
          batchRows: flags.batchRows,
          skipInvalid: flags.skipInvalid,
          scorer: (pool as Scorer | undefined) ?? inlineScorer,
          onProgress: (p) => {
            const rate = p.elapsedMs > 0 ? (p.rowsScored / p.elapsedMs) * 1000 : 0;
            const info = `${compact(p.rowsRead)} rows read, ${compact(p.groupsScored)} groups scored, ${compact(rate)} rows/s`;
            progress.update(p.totalBytes ? p.bytesRead / p.totalBytes : 0, info);
          },
        });
      } finally {
        progress.stop();
        await pool?.destroy();
      }
      report(summary, flags);
    });
}

/** Files this small are scored on this thread whatever --threads says: starting workers would cost more. */
export const SMALL_INPUT_BYTES = 8 << 20;

async function smallInput(input: string): Promise<boolean> {
  if (input === STDIO) return false;
  const size = await stat(input).then(
    (s) => s.size,
    () => undefined,
  );
  return size !== undefined && size < SMALL_INPUT_BYTES;
}

function report(s: ScoreSummary, flags: ScoreFlags): void {
  const out = summaryStream(flags.out);
  if (s.skipped > 0) {
    process.stderr.write(`gigpo: skipped ${s.skipped} invalid ${s.inputFormat === 'msgpack' ? 'chunks' : 'lines or trajectories'}\n`);
    for (const reason of s.skipReasons) process.stderr.write(`  ${reason}\n`);
  }
  if (flags.json) {
    out.write(`${JSON.stringify({ command: 'score', ...s, threads: flags.threads })}\n`);
    return;
  }
  const share = (k: number, n: number) => (n > 0 ? ((100 * k) / n).toFixed(1) : '0.0');
  out.write(
    `scored ${s.rows} rows (${s.trajectories} trajectories, ${s.groups} groups) from ${s.input} into ${s.output} ` +
      `in ${s.seconds.toFixed(2)} s (${compact(s.rowsPerSecond)} rows/s, ${s.options.estimator})\n` +
      `step groups: ${s.stepGroups} (mean size ${(s.stepGroups ? s.rows / s.stepGroups : 0).toFixed(2)}, ${share(s.singletonStepGroups, s.stepGroups)}% singletons); ` +
      `zero-variance groups: ${s.zeroVarianceGroups} (${share(s.zeroVarianceGroups, s.groups)}%)\n`,
  );
}
