import { InputError } from '@slotmatch/core';
import type { LabelImage } from '../png/index.js';
import { boundaryF } from './boundaryF.js';
import { type ObjectStatistics, objectStatistics } from './objectStatistics.js';
import { regionJ } from './regionJ.js';

/** J and F of one object over the evaluated frames. */
export interface ObjectScores {
  readonly J: ObjectStatistics & { readonly per_frame: number[] };
  readonly F: ObjectStatistics & { readonly per_frame: number[] };
}

/** Options of {@link evaluateSemiSupervisedSequence}. */
export interface SemiSupervisedOptions {
  /** Decay mode of {@link objectStatistics} (default `'reference'`). */
  readonly decayMode?: 'reference' | 'exact';
  /** Names of the prediction frames, for error messages (default `pred[t]`). */
  readonly predNames?: readonly string[];
}

/**
 * DAVIS semi-supervised protocol for one sequence (davis2017-evaluation `_evaluate_semisupervised`):
 * GT void (255) counts as background; objects are GT labels 1..N with N = max label of GT frame 0;
 * the first and last frames are dropped; prediction id k is GT object k; a prediction id above N
 * in an evaluated frame is an error; missing ids are empty masks.
 */
export function evaluateSemiSupervisedSequence(
  gt: readonly LabelImage[],
  pred: readonly LabelImage[],
  options: SemiSupervisedOptions = {},
): ObjectScores[] {
  if (gt.length !== pred.length) {
    throw new InputError('pred', `has ${pred.length} frames, the ground truth has ${gt.length}`);
  }
  if (gt.length <= 2)
    throw new InputError('gt', `the semi-supervised protocol needs at least 3 frames, got ${gt.length}`);
  const first = gt[0]!;
  let objects = 0;
  for (const v of first.data) if (v !== 255 && v > objects) objects = v;
  const name = (t: number) => options.predNames?.[t] ?? `pred[${t}]`;
  const j: number[][] = Array.from({ length: objects }, () => []);
  const f: number[][] = Array.from({ length: objects }, () => []);
  for (let t = 1; t < gt.length - 1; t++) {
    const g = gt[t]!;
    const p = pred[t]!;
    if (g.width !== p.width || g.height !== p.height) {
      throw new InputError(
        name(t),
        `size ${p.width}×${p.height} does not match the ground truth ${g.width}×${g.height}`,
      );
    }
    for (const v of p.data) {
      if (v > objects) {
        throw new InputError(
          name(t),
          `prediction id ${v} is higher than the number of GT objects (${objects})`,
        );
      }
    }
    for (let k = 1; k <= objects; k++) {
      const gm = g.data.map((v) => (v === k ? 1 : 0));
      const pm = p.data.map((v) => (v === k ? 1 : 0));
      j[k - 1]!.push(regionJ(pm, gm));
      f[k - 1]!.push(boundaryF(pm, gm, g.width, g.height));
    }
  }
  return j.map((jv, i) => ({
    J: { ...objectStatistics(jv, options.decayMode), per_frame: jv },
    F: { ...objectStatistics(f[i]!, options.decayMode), per_frame: f[i]! },
  }));
}
