import { InputError, optimalAssignment } from '@slotmatch/core';
import type { LabelMap } from '../png/labelMap.js';
import { boundaryRadius, fMeasure } from './boundaryF.js';
import { indexBoundaries, matchBoundaries } from './boundaryMatch.js';
import { diskSpans } from './dilateDisk.js';
import {
  combineRuns,
  forEachSegment,
  type LabelRuns,
  labelRuns,
  runBoundaryPixels,
  runEnd,
} from './labelRuns.js';
import { type ObjectStatistics, objectStatistics } from './objectStatistics.js';
import { jaccard } from './regionJ.js';

/** The most proposals (the largest predicted id) the DAVIS unsupervised protocol accepts. */
export const MAX_PROPOSALS = 20;

/** The GT label that marks void pixels. */
const VOID = 255;

/** DAVIS protocol: `semi` (semi-supervised) or `unsupervised`. */
export type DavisProtocol = 'semi' | 'unsupervised';

/** J and F of one object over the evaluated frames. */
export interface ObjectScores {
  readonly J: ObjectStatistics & { readonly per_frame: number[] };
  readonly F: ObjectStatistics & { readonly per_frame: number[] };
}

/** One GT object with the prediction id it is scored against. */
export interface MatchedObject extends ObjectScores {
  /** GT object id (1-based). */
  readonly gtId: number;
  /** Prediction id (1-based): the same id in the semi-supervised protocol, the matched proposal otherwise. */
  readonly predId: number;
}

/** Options of {@link createDavisSequenceEvaluator}. */
export interface DavisSequenceOptions {
  readonly protocol: DavisProtocol;
  /** Decay mode of {@link objectStatistics} (default `'reference'`). */
  readonly decayMode?: 'reference' | 'exact';
}

/** File names used in error messages (default `gt[t]` / `pred[t]`). */
export interface FrameNames {
  readonly gt?: string;
  readonly pred?: string;
}

/** Scores of one frame, as soon as it is added. */
export interface DavisFrameResult {
  /** 0-based frame index in the sequence. */
  readonly frame: number;
  /**
   * Whether the protocol evaluates the frame: `false` for frame 0 in the semi-supervised protocol
   * (and its last frame, which {@link DavisSequenceEvaluator.finish} drops: a frame cannot know it
   * is the last).
   */
  readonly evaluated: boolean;
  /** GT objects N (labels 1..N, N = largest non-void label of GT frame 0). */
  readonly objects: number;
  /** Rows of `J`/`F`: N (semi), or max(largest id in this frame, N) proposals (unsupervised). */
  readonly proposals: number;
  /**
   * Semi: J of object k at `[k − 1]`. Unsupervised: J of proposal p against object g at
   * `[(p − 1)·N + g − 1]`; a proposal absent from the frame scores as an empty mask.
   * Empty when `evaluated` is false.
   */
  readonly J: Float64Array;
  /** F, laid out as `J`. */
  readonly F: Float64Array;
}

/** What the reference evaluator reports about a sequence besides the scores (`details` of the fixtures). */
export interface DavisSequenceSummary {
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
  /** 0-based indices of the evaluated frames. */
  readonly framesEvaluated: number[];
  /** GT objects N. */
  readonly gtObjects: number;
  /** Largest predicted id over the evaluated frames. */
  readonly predObjectsRead: number;
  /** GT pixels labelled 255 over all frames. */
  readonly voidPixels: number;
  /** Unsupervised: the P×N matching scores (mean_t J + mean_t F)/2, rows = proposals 1..P; `null` in semi. */
  readonly matchingScores: number[][] | null;
}

/** Result of a finished sequence. */
export interface DavisSequenceResult {
  /** Semi: objects 1..N in order; unsupervised: matched pairs sorted by proposal id (the reference's names). */
  readonly objects: MatchedObject[];
  readonly summary: DavisSequenceSummary;
}

/** Frame-at-a-time DAVIS evaluation of one sequence. */
export interface DavisSequenceEvaluator {
  /** Score one frame (GT and prediction label maps of the same size); the label maps are not kept. */
  addFrame(gt: LabelMap, pred: LabelMap, names?: FrameNames): DavisFrameResult;
  /** Statistics of the whole sequence (Mean, Recall, Decay per object; matching when unsupervised). */
  finish(): DavisSequenceResult;
}

/** A prediction must have the size of its GT frame (the reference asserts it); `InputError` naming `predName`. */
export function expectSameSize(
  gt: { readonly width: number; readonly height: number },
  pred: { readonly width: number; readonly height: number },
  predName: string,
): void {
  if (pred.width !== gt.width || pred.height !== gt.height) {
    throw new InputError(
      predName,
      `size ${pred.width}×${pred.height} does not match the ground truth ${gt.width}×${gt.height}`,
    );
  }
}

/** Largest of `values` and 0 (no spread: sequences may be long). */
function largest(values: readonly number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

function statistics(values: number[], decayMode: 'reference' | 'exact' | undefined) {
  return { ...objectStatistics(values, decayMode), per_frame: values };
}

/**
 * Frame-at-a-time DAVIS J&F of one sequence (davis2017-evaluation `evaluation.py`), so a long video
 * never sits in memory: each frame is reduced at once to per-object (semi) or per-(proposal, object)
 * (unsupervised) J and F, and only those numbers are kept.
 *
 * Rules (`../shared/spec/METRICS.md`): GT objects are labels 1..N with N the largest non-void label
 * of GT frame 0; larger GT labels are ignored. J = |A∧S∖V| / |(A∨S)∖V| (1 when the union is empty);
 * F = boundary F-measure with seg2bmap boundaries and disk tolerance r = ⌈0.008·√(H²+W²)⌉.
 * - `semi` (`_evaluate_semisupervised`): frames 1..T−2 (T ≥ 3), void counts as background,
 *   prediction id k is object k, an id above N in an evaluated frame is an error (reported when the
 *   next frame arrives, since the last frame is never read), missing ids are empty masks.
 * - `unsupervised` (`_evaluate_unsupervised`): all frames, void excluded from J and set to background
 *   before F's boundaries, P = largest predicted id (≤ {@link MAX_PROPOSALS}) zero-padded to N;
 *   C[p,g] = (mean_t J + mean_t F)/2 maximised by an optimal assignment; pairs sorted by proposal.
 *
 * Each frame costs one pass over each label map (run-length encoding, {@link labelRuns}); the
 * contingency counts and every mask's boundary come from the runs ({@link runBoundaryPixels}), and
 * the boundary matches of all pairs from one sweep of distance queries ({@link matchBoundaries}).
 */
export function createDavisSequenceEvaluator(options: DavisSequenceOptions): DavisSequenceEvaluator {
  const semi = options.protocol === 'semi';
  let frame = 0;
  let width = 0;
  let height = 0;
  let objects = 0;
  let rowsStored = 0;
  let spans: Int32Array = new Int32Array(0);
  let voidPixels = 0;
  let pending: InputError | null = null;
  const maxIds: number[] = [];
  const perFrameJ: Float64Array[] = [];
  const perFrameF: Float64Array[] = [];

  function addFrame(gt: LabelMap, pred: LabelMap, names: FrameNames = {}): DavisFrameResult {
    const gtName = names.gt ?? `gt[${frame}]`;
    const predName = names.pred ?? `pred[${frame}]`;
    if (pending) throw pending;
    if (gt.data.length !== gt.width * gt.height) {
      throw new InputError(gtName, `has ${gt.data.length} labels, expected ${gt.width}×${gt.height}`);
    }
    if (pred.data.length !== pred.width * pred.height) {
      throw new InputError(predName, `has ${pred.data.length} labels, expected ${pred.width}×${pred.height}`);
    }
    expectSameSize(gt, pred, predName);
    if (frame === 0) {
      width = gt.width;
      height = gt.height;
      spans = diskSpans(boundaryRadius(width, height));
    } else if (gt.width !== width || gt.height !== height) {
      throw new InputError(
        gtName,
        `frame size ${gt.width}×${gt.height} differs from the sequence's first frame ${width}×${height}`,
      );
    }
    const t = frame++;
    const gtRuns = labelRuns(gt.data, width, height, gtName);
    let frameVoid = 0;
    for (let r = 0; r < gtRuns.label.length; r++) {
      if (gtRuns.label[r] === VOID) frameVoid += runEnd(gtRuns, r) - gtRuns.x[r]!;
    }
    voidPixels += frameVoid;
    if (t === 0) {
      for (const v of gtRuns.label) if (v !== VOID && v > objects) objects = v;
      rowsStored = semi ? objects : Math.max(MAX_PROPOSALS, objects);
    }
    if (semi && t === 0) {
      maxIds.push(0);
      return {
        frame: t,
        evaluated: false,
        objects,
        proposals: objects,
        J: new Float64Array(0),
        F: new Float64Array(0),
      };
    }
    const predRuns = labelRuns(pred.data, width, height, predName);
    let maxId = 0;
    for (const v of predRuns.label) if (v > maxId) maxId = v;
    maxIds.push(maxId);
    if (semi && maxId > objects) {
      pending = new InputError(
        predName,
        `prediction id ${maxId} is higher than the number of GT objects (${objects})`,
      );
    }
    if (!semi && maxId > MAX_PROPOSALS) {
      throw new InputError(
        predName,
        `proposal id ${maxId} is above the maximum of ${MAX_PROPOSALS} proposals`,
      );
    }
    const [j, f] = scoreFrame(gtRuns, predRuns, !semi && frameVoid > 0, maxId);
    perFrameJ.push(j);
    perFrameF.push(f);
    const rows = semi ? objects : Math.max(maxId, objects);
    const shown = semi ? objects : rows * objects;
    return {
      frame: t,
      evaluated: true,
      objects,
      proposals: rows,
      J: j.subarray(0, shown),
      F: f.subarray(0, shown),
    };
  }

  /**
   * J and F of one frame: semi → [N] for the pairs (k, k); unsupervised → [rowsStored × N] for all
   * (proposal, object) pairs. `excludeVoid`: void pixels leave J and are background for F (unsupervised).
   */
  function scoreFrame(
    gtRuns: LabelRuns,
    predRuns: LabelRuns,
    excludeVoid: boolean,
    maxId: number,
  ): [Float64Array, Float64Array] {
    const cols = objects + 1;
    const predRows = semi ? objects : maxId;
    // Contingency counts[p·cols + g] over counted pixels; labels outside 1..N / 1..predRows → 0.
    const counts = new Float64Array((predRows + 1) * cols);
    for (let y = 0; y < height; y++) {
      forEachSegment(gtRuns, y, predRuns, y, (x0, x1, gl, pl) => {
        if (excludeVoid && gl === VOID) return;
        const k = (pl <= predRows ? pl : 0) * cols + (gl <= objects ? gl : 0);
        counts[k] = counts[k]! + (x1 - x0);
      });
    }
    const gtArea = new Float64Array(cols);
    const predArea = new Float64Array(predRows + 1);
    for (let p = 0; p <= predRows; p++) {
      for (let g = 0; g < cols; g++) {
        const c = counts[p * cols + g]!;
        gtArea[g] = gtArea[g]! + c;
        predArea[p] = predArea[p]! + c;
      }
    }
    const predForBoundary = excludeVoid
      ? combineRuns(gtRuns, predRuns, (g, p) => (g === VOID ? 0 : p))
      : predRuns;
    const gb = runBoundaryPixels(gtRuns, objects);
    const pb = runBoundaryPixels(predForBoundary, predRows);
    // Semi needs the pairs (k, k) only: one index per mask, so each query stops at its first match.
    // Unsupervised needs every pair: one index per side, all pairs in one sweep.
    const index = (lists: number[][]) =>
      semi ? lists.map((l) => indexBoundaries([l], width, height)) : [indexBoundaries(lists, width, height)];
    const gIndex = index(gb);
    const pIndex = index(pb);
    // fMatch[(p − 1)·N + g − 1] = |pb ∧ dil(gb)|, gMatch[(g − 1)·P + p − 1] = |gb ∧ dil(pb)|.
    const fMatch = new Int32Array(predRows * objects);
    const gMatch = new Int32Array(objects * predRows);
    if (semi) {
      for (let k = 0; k < objects; k++) {
        fMatch[k * objects + k] = matchBoundaries(pIndex[k]!, gIndex[k]!, spans)[0]!;
        gMatch[k * predRows + k] = matchBoundaries(gIndex[k]!, pIndex[k]!, spans)[0]!;
      }
    } else {
      fMatch.set(matchBoundaries(pIndex[0]!, gIndex[0]!, spans));
      gMatch.set(matchBoundaries(gIndex[0]!, pIndex[0]!, spans));
    }
    const pair = (p: number, g: number): [number, number] => {
      const inter = p <= predRows ? counts[p * cols + g]! : 0;
      const areaP = p <= predRows ? predArea[p]! : 0;
      const j = jaccard(inter, gtArea[g]! + areaP - inter);
      const ng = gb[g - 1]!.length;
      if (p > predRows) return [j, fMeasure(0, 0, 0, ng)];
      const f = fMeasure(
        fMatch[(p - 1) * objects + g - 1]!,
        pb[p - 1]!.length,
        gMatch[(g - 1) * predRows + p - 1]!,
        ng,
      );
      return [j, f];
    };
    const J = new Float64Array(semi ? objects : rowsStored * objects);
    const F = new Float64Array(J.length);
    if (semi) {
      for (let k = 1; k <= objects; k++) [J[k - 1], F[k - 1]] = pair(k, k);
    } else {
      for (let p = 1; p <= rowsStored; p++) {
        for (let g = 1; g <= objects; g++)
          [J[(p - 1) * objects + g - 1], F[(p - 1) * objects + g - 1]] = pair(p, g);
      }
    }
    return [J, F];
  }

  function finish(): DavisSequenceResult {
    const summary = (framesEvaluated: number[], predObjectsRead: number, scores: number[][] | null) => ({
      frameCount: frame,
      width,
      height,
      framesEvaluated,
      gtObjects: objects,
      predObjectsRead,
      voidPixels,
      matchingScores: scores,
    });
    if (semi) {
      if (frame <= 2) {
        throw new InputError('gt', `the semi-supervised protocol needs at least 3 frames, got ${frame}`);
      }
      // The last frame is never read: drop its scores (and its id error, if any).
      const evaluated = Array.from({ length: frame - 2 }, (_, i) => i + 1);
      const matched = Array.from({ length: objects }, (_, k) => {
        const j = perFrameJ.slice(0, frame - 2).map((v) => v[k]!);
        const f = perFrameF.slice(0, frame - 2).map((v) => v[k]!);
        return {
          gtId: k + 1,
          predId: k + 1,
          J: statistics(j, options.decayMode),
          F: statistics(f, options.decayMode),
        };
      });
      return { objects: matched, summary: summary(evaluated, largest(maxIds.slice(1, frame - 1)), null) };
    }
    const proposals = Math.max(objects, largest(maxIds));
    const series = (store: Float64Array[], p: number, g: number) => store.map((v) => v[p * objects + g]!);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const score = new Float64Array(proposals * objects);
    for (let p = 0; p < proposals; p++) {
      for (let g = 0; g < objects; g++) {
        score[p * objects + g] = (mean(series(perFrameJ, p, g)) + mean(series(perFrameF, p, g))) / 2;
      }
    }
    const match = optimalAssignment(score, proposals, objects, { maximize: true });
    const matched = Array.from(match.rows, (p, n) => {
      const g = match.cols[n]!;
      return {
        gtId: g + 1,
        predId: p + 1,
        J: statistics(series(perFrameJ, p, g), options.decayMode),
        F: statistics(series(perFrameF, p, g), options.decayMode),
      };
    });
    const scores = Array.from({ length: proposals }, (_, p) =>
      Array.from(score.subarray(p * objects, (p + 1) * objects)),
    );
    return {
      objects: matched,
      summary: summary(
        Array.from({ length: frame }, (_, i) => i),
        largest(maxIds),
        scores,
      ),
    };
  }

  return { addFrame, finish };
}
