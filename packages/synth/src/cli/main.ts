import { parseArgs } from 'node:util';
import { InputError } from '@slotmatch/core';
import { parseSplit, type SplitName, writeSplit } from '../output/index.js';
import { DEFAULT_PARAMS, PALETTES, type Palette, resolveParams, type SynthParams } from '../world/index.js';
import { createProgressLine } from './progress.js';

const d = DEFAULT_PARAMS;
export const USAGE = `usage: slotmatch-synth --out DIR [--seed N] [--videos M] [--split test] [options]

Writes synthetic MOVi-like videos (textured shapes moving, rotating and occluding each other) in
DAVIS layout: DIR/<split>/JPEGImages/<video>/00000.png (RGB), DIR/<split>/Annotations/<video>/00000.png
(palette instance masks, 0 = background), DIR/<split>/ImageSets.txt and DIR/<split>/meta.json.
Same seed and options → same pixels. Each split is written atomically.

  --out DIR            dataset root (required)
  --seed N             dataset seed, a non-negative integer (default 0)
  --videos M           videos per split (default 10), or one count per split: 800,100,100
  --split S            train, validation or test, or a comma list (default test)
  --width W            frame width in pixels (default ${d.width})
  --height H           frame height in pixels (default ${d.height})
  --frames T           frames per video (default ${d.frames})
  --min-objects N      fewest objects per video (default ${d.minObjects})
  --max-objects N      most objects per video (default ${d.maxObjects}, at most 64)
  --difficulty X       0..1: texture contrast, background clutter, speed, occlusion (default ${d.difficulty})
  --palette P          ${PALETTES.join(', ')} (default ${d.palette})
  --supersample S      RGB antialiasing samples per axis, 1..4 (default ${d.supersample}; masks never blend)
  --overwrite          replace existing split folders
  -h, --help           this help

The test split is for evaluation only: never train on it.`;

/** Flag of each parameter, for error messages. */
const FLAGS: Record<keyof SynthParams, string> = {
  width: '--width',
  height: '--height',
  frames: '--frames',
  minObjects: '--min-objects',
  maxObjects: '--max-objects',
  difficulty: '--difficulty',
  palette: '--palette',
  supersample: '--supersample',
};

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InputError(flag, `must be a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Terminal I/O of the command (injected by tests). */
export interface CliIO {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
  /** Where the progress line goes when it is a TTY (default process.stderr). */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly signal?: AbortSignal;
}

interface Plan {
  out: string;
  seed: number;
  splits: { split: SplitName; videos: number }[];
  params: SynthParams;
  overwrite: boolean;
}

function plan(argv: string[]): Plan | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      videos: { type: 'string' },
      split: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      frames: { type: 'string' },
      'min-objects': { type: 'string' },
      'max-objects': { type: 'string' },
      difficulty: { type: 'string' },
      palette: { type: 'string' },
      supersample: { type: 'string' },
      overwrite: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0)
    throw new InputError(positionals[0]!, 'unexpected argument (options start with --)');
  if (!values.out) throw new InputError('--out', 'is required (the dataset root folder)');
  const seed = integer('--seed', values.seed) ?? 0;
  const splits = (values.split ?? 'test').split(',').map((s) => parseSplit(s.trim(), '--split'));
  if (new Set(splits).size !== splits.length) throw new InputError('--split', 'names a split twice');
  const counts = (values.videos ?? '10').split(',').map((c) => integer('--videos', c.trim())!);
  if (counts.length !== 1 && counts.length !== splits.length) {
    throw new InputError('--videos', `gives ${counts.length} counts for ${splits.length} splits`);
  }
  for (const c of counts) {
    if (c < 1 || c > 100000) throw new InputError('--videos', `must be in 1..100000, got ${c}`);
  }
  let difficulty: number | undefined;
  if (values.difficulty !== undefined) {
    difficulty = Number(values.difficulty);
    if (values.difficulty.trim() === '' || !Number.isFinite(difficulty)) {
      throw new InputError(
        '--difficulty',
        `must be a number in [0, 1], got ${JSON.stringify(values.difficulty)}`,
      );
    }
  }
  const partial: Partial<Record<keyof SynthParams, unknown>> = {
    width: integer('--width', values.width),
    height: integer('--height', values.height),
    frames: integer('--frames', values.frames),
    minObjects: integer('--min-objects', values['min-objects']),
    maxObjects: integer('--max-objects', values['max-objects']),
    difficulty,
    palette: values.palette as Palette | undefined,
    supersample: integer('--supersample', values.supersample),
  };
  let params: SynthParams;
  try {
    params = resolveParams(partial as Partial<SynthParams>);
  } catch (e) {
    if (e instanceof InputError && e.subject.startsWith('params.')) {
      const key = e.subject.slice('params.'.length) as keyof SynthParams;
      throw new InputError(FLAGS[key] ?? e.subject, e.rule);
    }
    throw e;
  }
  return {
    out: values.out,
    seed,
    splits: splits.map((split, i) => ({ split, videos: counts[counts.length === 1 ? 0 : i]! })),
    params,
    overwrite: values.overwrite ?? false,
  };
}

/**
 * The `slotmatch-synth` command. Returns the exit code: 0 on success, 1 on a bad option or a
 * failure (message on stderr, no partial split left behind), 130 when interrupted via `signal`.
 */
export async function main(
  argv: string[],
  io: CliIO = { log: console.log, error: console.error },
): Promise<number> {
  let p: Plan | 'help';
  try {
    p = plan(argv);
  } catch (e) {
    io.error(`slotmatch-synth: ${(e as Error).message}\n(see slotmatch-synth --help)`);
    return 1;
  }
  if (p === 'help') {
    io.log(USAGE);
    return 0;
  }
  const progress = createProgressLine(io.progress ?? process.stderr);
  try {
    for (const { split, videos } of p.splits) {
      const start = performance.now();
      const summary = await writeSplit({
        out: p.out,
        split,
        seed: p.seed,
        videos,
        params: p.params,
        overwrite: p.overwrite,
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: progress.update,
      });
      progress.done();
      const seconds = (performance.now() - start) / 1000;
      io.log(
        `${summary.dir}: ${videos} videos × ${p.params.frames} frames of ${p.params.width}×${p.params.height}, seed ${p.seed}, ${seconds.toFixed(1)} s (${(summary.frames / seconds).toFixed(1)} frames/s)`,
      );
    }
    return 0;
  } catch (e) {
    progress.done();
    if (io.signal?.aborted) {
      io.error('slotmatch-synth: interrupted; the unfinished split was removed');
      return 130;
    }
    io.error(`slotmatch-synth: ${(e as Error).message}`);
    return 1;
  }
}
