#!/usr/bin/env node
/**
 * evaluate-masks --gt DIR --pred DIR [--out DIR] [--sequences a,b]
 *
 * Prints the markdown table on stdout; with --out also writes report.md and report.json there.
 * Bad input: message on stderr, exit 1, no report written.
 */
import { parseArgs } from 'node:util';
import { evaluateFolders } from './evaluate.js';
import { reportMarkdown, writeReport } from './report.js';

const USAGE = 'usage: evaluate-masks --gt DIR --pred DIR [--out DIR] [--sequences a,b]';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      gt: { type: 'string' },
      pred: { type: 'string' },
      out: { type: 'string' },
      sequences: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.gt || !values.pred) {
    console.error(`evaluate-masks: --gt and --pred are required\n${USAGE}`);
    return 1;
  }
  const report = await evaluateFolders({
    gt: values.gt,
    pred: values.pred,
    ...(values.sequences ? { sequences: values.sequences.split(',').filter((s) => s !== '') } : {}),
    onSequence: (row, done, total) =>
      process.stderr.write(`evaluated ${row.sequence} (${done}/${total}, ${row.frames} frames)\n`),
  });
  process.stdout.write(reportMarkdown(report));
  if (values.out) {
    const files = await writeReport(report, values.out);
    console.error(`wrote ${files.markdown} and ${files.json}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`evaluate-masks: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
