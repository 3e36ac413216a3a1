import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@slotmatch/core';
import { decodePng, type LabelImage } from '../png/index.js';

/** Sequences of a DAVIS-layout root (`<root>/<sequence>/<frame>.png`), sorted. */
export function listSequences(root: string): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(root, 'folder not found');
  return readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory())
    .sort();
}

/**
 * Read one sequence of GT and prediction frames: every GT frame name must exist in the prediction
 * folder and no extra prediction PNG may be there; frame sizes must match.
 */
export function readSequencePair(
  gtRoot: string,
  predRoot: string,
  seq: string,
): { gt: LabelImage[]; pred: LabelImage[]; predNames: string[] } {
  const gtDir = join(gtRoot, seq);
  const predDir = join(predRoot, seq);
  if (!existsSync(predDir)) throw new InputError(predDir, 'missing prediction folder for this sequence');
  const frames = readdirSync(gtDir)
    .filter((f) => f.endsWith('.png'))
    .sort();
  const predFrames = new Set(readdirSync(predDir).filter((f) => f.endsWith('.png')));
  const gt: LabelImage[] = [];
  const pred: LabelImage[] = [];
  const predNames: string[] = [];
  for (const f of frames) {
    const predPath = join(predDir, f);
    if (!predFrames.delete(f)) throw new InputError(predPath, 'missing frame (the ground truth has it)');
    const g = decodePng(readFileSync(join(gtDir, f)), join(gtDir, f));
    const p = decodePng(readFileSync(predPath), predPath);
    if (g.width !== p.width || g.height !== p.height) {
      throw new InputError(
        predPath,
        `size ${p.width}×${p.height} does not match the ground truth ${g.width}×${g.height}`,
      );
    }
    gt.push(g);
    pred.push(p);
    predNames.push(predPath);
  }
  const extra = [...predFrames].sort()[0];
  if (extra !== undefined)
    throw new InputError(join(predDir, extra), 'extra frame (the ground truth has no such frame)');
  return { gt, pred, predNames };
}
