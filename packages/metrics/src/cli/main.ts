import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { globalResults, type MatchedObject } from '../davis/index.js';
import { listSequences, sequenceFrames } from './davisLayout.js';
import type { JobOutcome, SequenceJob } from './evaluateJob.js';
import { createProgressBar } from './progressBar.js';
import { runJobs } from './runJobs.js';
import { writeAtomic } from './writeAtomic.js';

const USAGE = `usage:
  slotmatch-eval davis --gt DIR --pred DIR --task semi|unsupervised [--sequences a,b] [--json FILE] [--csv-dir DIR] [--jobs N]
  slotmatch-eval objects --gt DIR --pred DIR [--sequences a,b] [--json FILE] [--jobs N]
Masks: DAVIS layout <root>/<sequence>/<frame>.png, palette or grey PNG; GT 0 = background, 255 = void.
Sequences run in parallel on N threads (default: all cores); a progress bar shows on a terminal.`;

type Values = Record<string, string | undefined>;

/** JSON.stringify with NaN written as null (the fixtures' convention), full precision. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

const GLOBAL_KEYS = ['J&F-Mean', 'J-Mean', 'J-Recall', 'J-Decay', 'F-Mean', 'F-Recall', 'F-Decay'] as const;

const MATCHING_NOTE =
  'rows = proposals 1..P (zero-padded to at least the number of GT objects), columns = GT objects; ' +
  'entry = (mean over frames of J + mean over frames of F)/2, maximised by an optimal one-to-one assignment';

/** List the sequences' frames (missing/extra frames are reported here, before any decoding) and evaluate them. */
async function evaluateAll(
  values: Values,
  task: SequenceJob['task'],
): Promise<{ jobs: SequenceJob[]; outcomes: JobOutcome[] }> {
  const sequences = values.sequences ? values.sequences.split(',') : listSequences(values.gt!);
  const jobs = sequences.map((s) => ({ ...sequenceFrames(values.gt!, values.pred!, s), task }));
  const threads = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`--jobs must be a positive integer\n${USAGE}`);
  const progress = createProgressBar(
    jobs.reduce((n, j) => n + j.frames.length, 0),
    'frames',
  );
  try {
    return { jobs, outcomes: await runJobs(jobs, threads, progress.tick) };
  } finally {
    progress.done();
  }
}

async function runDavis(values: Values, log: (s: string) => void): Promise<void> {
  const task = values.task;
  if (task !== 'semi' && task !== 'unsupervised') {
    throw new Error(`--task must be semi or unsupervised\n${USAGE}`);
  }
  const { jobs, outcomes } = await evaluateAll(values, task);
  const pooled: MatchedObject[] = [];
  const perSequence: Record<string, unknown> = {};
  const details: Record<string, unknown> = {};
  const csvRows: string[] = ['Sequence,J-Mean,F-Mean'];
  const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  jobs.forEach((job, n) => {
    const outcome = outcomes[n]!;
    if (outcome.kind !== 'davis') throw new Error('internal: expected a DAVIS outcome');
    const { objects, summary } = outcome;
    const seq = job.sequence;
    pooled.push(...objects);
    perSequence[seq] = {
      'J-Mean': mean(objects.map((o) => o.J.mean)),
      'F-Mean': mean(objects.map((o) => o.F.mean)),
      objects: objects.map((o) => ({ J: o.J, F: o.F })),
    };
    details[seq] = {
      frames_evaluated: summary.framesEvaluated.map((t) => job.frames[t]!.replace(/\.png$/, '')),
      n_frames_in_gt: summary.frameCount,
      frame_size_hw: [summary.height, summary.width],
      n_gt_objects: summary.gtObjects,
      n_pred_objects_read: summary.predObjectsRead,
      n_void_pixels_in_gt: summary.voidPixels,
      objects: objects.map((o, i) => ({ name: `${seq}_${i + 1}`, gt_id: o.gtId, pred_id: o.predId })),
      ...(summary.matchingScores
        ? { matching_score_matrix: summary.matchingScores, matching_score_matrix_note: MATCHING_NOTE }
        : {}),
    };
    objects.forEach((o, i) => {
      csvRows.push(`${seq}_${i + 1},${o.J.mean},${o.F.mean}`);
    });
    log(`${seq}: ${objects.length} objects`);
  });
  const global = globalResults(pooled);
  const result = { protocol: task, global, sequences: perSequence, details };
  if (values['csv-dir']) {
    const set = 'val'; // the reference names its CSVs after the evaluated set
    writeAtomic(
      join(values['csv-dir'], `global_results-${set}.csv`),
      `${GLOBAL_KEYS.join(',')}\n${GLOBAL_KEYS.map((k) => global[k]).join(',')}\n`,
    );
    writeAtomic(join(values['csv-dir'], `per-sequence_results-${set}.csv`), `${csvRows.join('\n')}\n`);
  }
  if (values.json) writeAtomic(values.json, toJson(result));
  log(GLOBAL_KEYS.map((k) => `${k} ${global[k].toFixed(6)}`).join('  '));
}

async function runObjects(values: Values, log: (s: string) => void): Promise<void> {
  const { jobs, outcomes } = await evaluateAll(values, 'objects');
  const objectMetrics: Record<string, unknown> = {};
  jobs.forEach((job, n) => {
    const outcome = outcomes[n]!;
    if (outcome.kind !== 'objects') throw new Error('internal: expected object metrics');
    objectMetrics[job.sequence] = outcome.metrics;
    log(`${job.sequence}: ${JSON.stringify(outcome.metrics)}`);
  });
  if (values.json) writeAtomic(values.json, toJson({ object_metrics: objectMetrics }));
}

/**
 * The `slotmatch-eval` command. Resolves to the exit code: 0 on success, 1 on bad input (the
 * message names the file and the rule; no output file is written), 2 on a usage error.
 */
export async function main(
  argv: string[],
  log: (s: string) => void = console.log,
  error: (s: string) => void = console.error,
): Promise<number> {
  const [command, ...rest] = argv;
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        gt: { type: 'string' },
        pred: { type: 'string' },
        task: { type: 'string' },
        sequences: { type: 'string' },
        json: { type: 'string' },
        'csv-dir': { type: 'string' },
        jobs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as unknown as { values: Values });
  } catch (e) {
    error(`slotmatch-eval: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (command === undefined || command === '--help' || command === '-h' || values.help) {
    log(USAGE);
    return 0;
  }
  if (command !== 'davis' && command !== 'objects') {
    error(`slotmatch-eval: unknown command ${command}\n${USAGE}`);
    return 2;
  }
  if (!values.gt || !values.pred) {
    error(`slotmatch-eval: --gt and --pred are required\n${USAGE}`);
    return 2;
  }
  try {
    if (command === 'davis') await runDavis(values, log);
    else await runObjects(values, log);
    return 0;
  } catch (e) {
    error(`slotmatch-eval: ${(e as Error).message}`);
    return 1;
  }
}
