#!/usr/bin/env node
/**
 * distill-end-to-end --work DIR [--tiny | --recipe NAME|FILE.json] [--python PATH] [--threads N] [--quiet]
 *
 * Regenerates the synthetic data, trains the teacher, distils the student, exports both, segments
 * the test split with runtime-node and prints the quality and speed table (also in
 * DIR/report.md and DIR/report.json). Errors: message on stderr, exit 1.
 */
import { parseArgs } from 'node:util';
import { InputError } from '@slotmatch/core';
import { runEndToEnd } from './endToEnd.js';
import { loadRecipe } from './recipe.js';

const USAGE =
  'usage: distill-end-to-end --work DIR [--tiny | --recipe tiny|small-cpu|FILE.json] [--python PATH]\n' +
  '                          [--threads N] [--quiet]';

async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      work: { type: 'string' },
      tiny: { type: 'boolean' },
      recipe: { type: 'string' },
      python: { type: 'string' },
      threads: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.work) {
    console.error(`distill-end-to-end: --work is required\n${USAGE}`);
    return 1;
  }
  if (values.tiny && values.recipe) throw new InputError('--tiny', 'and --recipe exclude each other');
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    throw new InputError('--threads', `must be a positive integer, got ${values.threads}`);
  }
  const recipe = await loadRecipe(values.tiny ? 'tiny' : (values.recipe ?? 'small-cpu'));
  const result = await runEndToEnd({
    work: values.work,
    recipe,
    signal,
    ...(values.python ? { python: values.python } : {}),
    ...(threads ? { threads } : {}),
    ...(values.quiet ? { quiet: true } : {}),
  });
  process.stdout.write(`\n${result.table}`);
  const stages = Object.entries(result.seconds)
    .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
    .join(', ');
  console.error(`\n${stages}; report in ${result.work}/report.md and report.json`);
  return 0;
}

const abort = new AbortController();
process.once('SIGINT', () => abort.abort(new Error('interrupted')));
main(process.argv.slice(2), abort.signal).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`distill-end-to-end: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = abort.signal.aborted ? 130 : 1;
  },
);
