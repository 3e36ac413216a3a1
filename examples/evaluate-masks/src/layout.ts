/**
 * DAVIS layout on disk: `<root>/<sequence>/<frame>.png`, one palette (or grey) PNG of labels per
 * frame. The ground truth decides what is evaluated: every GT sequence must have a prediction
 * folder holding exactly the GT's frame names (prediction folders the GT does not have are ignored,
 * as the DAVIS evaluator does with extra sequences).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePng, InputError, type LabelImage } from '@slotmatch/metrics';

/** One sequence to evaluate: its folders and its frame file names in order. */
export interface SequencePair {
  readonly sequence: string;
  readonly gtDir: string;
  readonly predDir: string;
  readonly frames: readonly string[];
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

async function pngNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
}

/**
 * Pair the sequences of a GT root with those of a prediction root (rule in the file header),
 * checking every folder and frame name before any pixel is read. `only` restricts the sequences.
 */
export async function pairSequences(
  gtRoot: string,
  predRoot: string,
  only?: readonly string[],
): Promise<SequencePair[]> {
  if (!(await isDirectory(gtRoot))) throw new InputError(gtRoot, 'ground-truth folder not found');
  if (!(await isDirectory(predRoot))) throw new InputError(predRoot, 'prediction folder not found');
  const all: string[] = [];
  for (const entry of (await readdir(gtRoot, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    if (entry.isDirectory()) all.push(entry.name);
  }
  const sequences = only ?? all;
  for (const s of only ?? []) {
    if (!all.includes(s)) throw new InputError(join(gtRoot, s), 'no such ground-truth sequence');
  }
  if (sequences.length === 0) {
    throw new InputError(gtRoot, 'holds no sequence folders (<root>/<sequence>/<frame>.png)');
  }
  const pairs: SequencePair[] = [];
  for (const sequence of sequences) {
    const gtDir = join(gtRoot, sequence);
    const predDir = join(predRoot, sequence);
    const frames = await pngNames(gtDir);
    if (frames.length === 0) throw new InputError(gtDir, 'holds no .png masks');
    if (!(await isDirectory(predDir))) {
      throw new InputError(predDir, 'missing prediction folder (the ground truth has this sequence)');
    }
    const predicted = new Set(await pngNames(predDir));
    for (const f of frames) {
      if (!predicted.delete(f)) {
        throw new InputError(join(predDir, f), 'missing frame (the ground truth has it)');
      }
    }
    const extra = [...predicted].sort()[0];
    if (extra !== undefined) {
      throw new InputError(join(predDir, extra), 'extra frame (the ground truth has no such frame)');
    }
    pairs.push({ sequence, gtDir, predDir, frames });
  }
  return pairs;
}

/** Read and decode one label PNG (palette or grey: raw indices); errors name the file. */
export async function readLabels(path: string): Promise<LabelImage> {
  const bytes = await readFile(path).catch((cause: NodeJS.ErrnoException) => {
    throw new InputError(path, `cannot be read (${cause.code ?? cause.message})`, { cause });
  });
  return decodePng(bytes, path);
}
