import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  evaluateSemiSupervisedSequence,
  evaluateUnsupervisedSequence,
  globalResults,
  type ObjectScores,
} from '../davis/index.js';
import { createObjectMetricsAccumulator } from '../objects/index.js';
import { listSequences, readSequencePair } from './davisLayout.js';
import { writeAtomic } from './writeAtomic.js';

const USAGE = `usage:
  slotmatch-eval davis --gt DIR --pred DIR --task semi|unsupervised [--sequences a,b] [--json FILE] [--csv-dir DIR]
  slotmatch-eval objects --gt DIR --pred DIR [--json FILE]
Masks: DAVIS layout <root>/<sequence>/<frame>.png, palette or grey PNG; GT 0 = background, 255 = void.`;

/** JSON.stringify with NaN written as null (the fixtures' convention), full precision. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

const GLOBAL_KEYS = ['J&F-Mean', 'J-Mean', 'J-Recall', 'J-Decay', 'F-Mean', 'F-Recall', 'F-Decay'] as const;

function runDavis(values: Record<string, string | undefined>, log: (s: string) => void): void {
  const task = values.task;
  if (task !== 'semi' && task !== 'unsupervised')
    throw new Error(`--task must be semi or unsupervised\n${USAGE}`);
  const sequences = values.sequences ? values.sequences.split(',') : listSequences(values.gt!);
  const pooled: ObjectScores[] = [];
  const perSequence: Record<string, unknown> = {};
  const csvRows: string[] = ['Sequence,J-Mean,F-Mean'];
  for (const seq of sequences) {
    const { gt, pred, predNames } = readSequencePair(values.gt!, values.pred!, seq);
    const objects =
      task === 'semi'
        ? evaluateSemiSupervisedSequence(gt, pred, { predNames })
        : evaluateUnsupervisedSequence(gt, pred, { predNames });
    pooled.push(...objects);
    const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
    perSequence[seq] = {
      'J-Mean': mean(objects.map((o) => o.J.mean)),
      'F-Mean': mean(objects.map((o) => o.F.mean)),
      objects: objects.map((o) => ({ J: o.J, F: o.F })),
    };
    objects.forEach((o, i) => {
      csvRows.push(`${seq}_${i + 1},${o.J.mean},${o.F.mean}`);
    });
    log(`${seq}: ${objects.length} objects`);
  }
  const global = globalResults(pooled);
  const result = { protocol: task, global, sequences: perSequence };
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

function runObjects(values: Record<string, string | undefined>, log: (s: string) => void): void {
  const sequences = values.sequences ? values.sequences.split(',') : listSequences(values.gt!);
  const objectMetrics: Record<string, unknown> = {};
  for (const seq of sequences) {
    const { gt, pred } = readSequencePair(values.gt!, values.pred!, seq);
    const acc = createObjectMetricsAccumulator();
    gt.forEach((g, t) => {
      acc.addFrame(g.data, pred[t]!.data, g.width, g.height);
    });
    objectMetrics[seq] = acc.result();
    log(`${seq}: ${JSON.stringify(objectMetrics[seq])}`);
  }
  if (values.json) writeAtomic(values.json, toJson({ object_metrics: objectMetrics }));
}

/**
 * The `slotmatch-eval` command. Returns the exit code: 0 on success, 1 on bad input (the message
 * names the file and the rule; no output file is written), 2 on a usage error.
 */
export function main(
  argv: string[],
  log: (s: string) => void = console.log,
  error: (s: string) => void = console.error,
): number {
  const [command, ...rest] = argv;
  let values: Record<string, string | undefined>;
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
        help: { type: 'boolean', short: 'h' },
      },
    }) as unknown as { values: Record<string, string | undefined> });
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
    if (command === 'davis') runDavis(values, log);
    else runObjects(values, log);
    return 0;
  } catch (e) {
    error(`slotmatch-eval: ${(e as Error).message}`);
    return 1;
  }
}
