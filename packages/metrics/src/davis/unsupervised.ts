import { InputError, optimalAssignment } from '@slotmatch/core';
import type { LabelImage } from '../png/index.js';
import { boundaryFPrepared, prepareBoundary } from './boundaryF.js';
import { objectStatistics } from './objectStatistics.js';
import { regionJ } from './regionJ.js';
import type { ObjectScores, SemiSupervisedOptions } from './semiSupervised.js';

/** The most proposals (the largest predicted id) the DAVIS unsupervised protocol accepts. */
export const MAX_PROPOSALS = 20;

/** One GT object with the proposal it was matched to. */
export interface MatchedObject extends ObjectScores {
  /** GT object id (1-based). */
  readonly gtId: number;
  /** Proposal id (1-based) matched to it. */
  readonly predId: number;
}

/**
 * DAVIS unsupervised protocol for one sequence (davis2017-evaluation `_evaluate_unsupervised`):
 * all frames; GT void (255) is excluded from J and set to background before F's boundaries;
 * #proposals = largest predicted id (≤ 20, else an error), zero-padded to the number of GT
 * objects; C[p,g] = (mean_t J + mean_t F)/2 maximised by an optimal assignment; the matched
 * pairs come sorted by proposal index, as the reference names its objects.
 */
export function evaluateUnsupervisedSequence(
  gt: readonly LabelImage[],
  pred: readonly LabelImage[],
  options: SemiSupervisedOptions = {},
): MatchedObject[] {
  if (gt.length !== pred.length) {
    throw new InputError('pred', `has ${pred.length} frames, the ground truth has ${gt.length}`);
  }
  const name = (t: number) => options.predNames?.[t] ?? `pred[${t}]`;
  let objects = 0;
  for (const v of gt[0]?.data ?? []) if (v !== 255 && v > objects) objects = v;
  let proposals = 0;
  pred.forEach((p, t) => {
    const g = gt[t]!;
    if (g.width !== p.width || g.height !== p.height) {
      throw new InputError(
        name(t),
        `size ${p.width}×${p.height} does not match the ground truth ${g.width}×${g.height}`,
      );
    }
    for (const v of p.data) {
      if (v > MAX_PROPOSALS) {
        throw new InputError(name(t), `proposal id ${v} is above the maximum of ${MAX_PROPOSALS} proposals`);
      }
      if (v > proposals) proposals = v;
    }
  });
  proposals = Math.max(proposals, objects);
  const T = gt.length;
  // j[p][g][t], f[p][g][t]
  const j = Array.from({ length: proposals }, () =>
    Array.from({ length: objects }, () => new Array<number>(T)),
  );
  const f = Array.from({ length: proposals }, () =>
    Array.from({ length: objects }, () => new Array<number>(T)),
  );
  for (let t = 0; t < T; t++) {
    const g = gt[t]!;
    const p = pred[t]!;
    const voidMask = g.data.map((v) => (v === 255 ? 1 : 0));
    const predMasks = Array.from({ length: proposals }, (_, pi) => p.data.map((v) => (v === pi + 1 ? 1 : 0)));
    const predBoundaries = predMasks.map((m) => prepareBoundary(m, g.width, g.height, voidMask));
    for (let gi = 0; gi < objects; gi++) {
      const gm = g.data.map((v) => (v === gi + 1 ? 1 : 0));
      const gb = prepareBoundary(gm, g.width, g.height, voidMask);
      for (let pi = 0; pi < proposals; pi++) {
        j[pi]![gi]![t] = regionJ(predMasks[pi]!, gm, voidMask);
        f[pi]![gi]![t] = boundaryFPrepared(predBoundaries[pi]!, gb);
      }
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const score = new Float64Array(proposals * objects);
  for (let pi = 0; pi < proposals; pi++) {
    for (let gi = 0; gi < objects; gi++) {
      score[pi * objects + gi] = (mean(j[pi]![gi]!) + mean(f[pi]![gi]!)) / 2;
    }
  }
  const match = optimalAssignment(score, proposals, objects, { maximize: true });
  return Array.from(match.rows, (pi, n) => {
    const gi = match.cols[n]!;
    const jv = j[pi]![gi]!;
    const fv = f[pi]![gi]!;
    return {
      gtId: gi + 1,
      predId: pi + 1,
      J: { ...objectStatistics(jv, options.decayMode), per_frame: jv },
      F: { ...objectStatistics(fv, options.decayMode), per_frame: fv },
    };
  });
}
