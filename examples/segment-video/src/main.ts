#!/usr/bin/env node
/**
 * segment-video <video|folder> --model <bundle> --out <dir> [--overlay gif|mp4|none] [--fps N]
 *               [--batch N] [--max-frames N] [--device auto|cpu|cuda] [--threads N]
 *
 * Prints a progress line on a terminal and the summary at the end. Bad input: message on stderr,
 * exit 1, no output folder. Ctrl-C: the unfinished output is removed, exit 130.
 */
import { parseArgs } from 'node:util';
import { InputError } from '@slotmatch/core';
import type { NodeDevice } from '@slotmatch/runtime-node';
import { formatSummary, segmentVideo } from './segmentVideo.js';

const USAGE =
  'usage: segment-video <video|folder> --model <bundle> --out <dir> [--overlay gif|mp4|none] [--fps N]\n' +
  '                     [--batch N] [--max-frames N] [--device auto|cpu|cuda] [--threads N]';

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new InputError(`--${name}`, `must be a positive integer, got ${v}`);
  return n;
}

async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      overlay: { type: 'string' },
      fps: { type: 'string' },
      batch: { type: 'string' },
      'max-frames': { type: 'string' },
      device: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const input = positionals[0];
  if (!input || positionals.length > 1 || !values.model || !values.out) {
    console.error(`segment-video: one input, --model and --out are required\n${USAGE}`);
    return 1;
  }
  const fps = values.fps === undefined ? undefined : Number(values.fps);
  const batchSize = positiveInt('batch', values.batch);
  const maxFrames = positiveInt('max-frames', values['max-frames']);
  const threads = positiveInt('threads', values.threads);
  const tty = process.stderr.isTTY;
  const summary = await segmentVideo({
    input,
    model: values.model,
    out: values.out,
    ...(values.overlay ? { overlay: values.overlay as 'gif' } : {}),
    ...(fps !== undefined ? { fps } : {}),
    ...(batchSize ? { batchSize } : {}),
    ...(maxFrames ? { maxFrames } : {}),
    ...(threads ? { threads } : {}),
    ...(values.device ? { device: values.device as NodeDevice } : {}),
    signal,
    onFrame: (done, total) => {
      if (tty) process.stderr.write(`\rsegmenting frame ${done}${total ? `/${total}` : ''}`);
    },
  });
  if (tty) process.stderr.write('\n');
  console.log(formatSummary(summary, values.out));
  return 0;
}

const abort = new AbortController();
process.once('SIGINT', () => abort.abort(new Error('interrupted')));
main(process.argv.slice(2), abort.signal).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`segment-video: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = abort.signal.aborted ? 130 : 1;
  },
);
