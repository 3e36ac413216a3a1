import { InputError, optimalAssignment } from '@slotmatch/core';
import { forEachSegment, labelRuns } from '../davis/labelRuns.js';
import type { FrameNames } from '../davis/sequenceEvaluator.js';
import type { LabelArray } from '../png/labelMap.js';
import { adjustedRandIndex } from './adjustedRandIndex.js';

/** Object-centric metrics of one video, named as in the reference fixtures. NaN where undefined. */
export interface ObjectMetricsResult {
  /** FG-ARI over the whole T×H×W volume (videosaur `VideoARI`). */
  readonly video_fg_ari: number;
  /** FG-ARI per frame, averaged over frames with GT foreground (`ImageARI(video_input=True)`). */
  readonly image_fg_ari: number;
  /** Mean best overlap over spatio-temporal volumes (`VideoIoU(matching="overlap")`). */
  readonly video_mbo: number;
  /** Mean best overlap per frame, averaged over frames with GT objects (`ImageIoU(matching="overlap")`). */
  readonly image_mbo: number;
  /** Hungarian-matched mean IoU over volumes (`VideoIoU(matching="hungarian")`). */
  readonly video_miou: number;
}

/** Options of {@link createObjectMetricsAccumulator}. */
export interface ObjectMetricsOptions {
  /** GT label that marks void pixels, ignored like background (default 255; `null` for none). */
  readonly voidLabel?: number | null;
}

/** Per-frame sufficient statistics: sparse contingency over GT objects, and areas. */
interface FrameTable {
  /** key = gt · 65536 + pred → count, over pixels with a GT object label. */
  readonly joint: Map<number, number>;
  /** GT label → area. */
  readonly gtArea: Map<number, number>;
  /** predicted label → area over all pixels. */
  readonly predArea: Map<number, number>;
}

function iouMatrix(
  joint: Map<number, number>,
  gtArea: Map<number, number>,
  predArea: Map<number, number>,
  gtLabels: number[],
  predCount: number,
): Float64Array {
  const iou = new Float64Array(gtLabels.length * predCount);
  gtLabels.forEach((g, r) => {
    const tg = gtArea.get(g) ?? 0;
    for (let k = 0; k < predCount; k++) {
      const inter = joint.get(g * 65536 + k) ?? 0;
      const union = tg + (predArea.get(k) ?? 0) - inter;
      iou[r * predCount + k] = union === 0 ? 0 : inter / union;
    }
  });
  return iou;
}

function contingencyArray(joint: Map<number, number>, gtMax: number, predCount: number): Float64Array {
  const table = new Float64Array(gtMax * predCount);
  for (const [key, count] of joint) {
    const g = Math.floor(key / 65536);
    table[(g - 1) * predCount + (key % 65536)] = count;
  }
  return table;
}

function meanBestOverlap(iou: Float64Array, rows: number, cols: number): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 0; k < cols; k++) best = Math.max(best, iou[r * cols + k]!);
    sum += best;
  }
  return sum / rows;
}

function addTo(map: Map<number, number>, key: number, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/**
 * Incremental FG-ARI / mBO / mIoU of one video, exactly as videosaur/slotcontrast `metrics.py`
 * with hard masks at GT resolution: GT channels are labels 1..L (L = largest GT label other than
 * void over the video; background and void pixels belong to no channel and are ignored points),
 * prediction channels are labels 0..P (P = largest predicted label; predicted 0 is an ordinary
 * slot). Only per-frame contingency tables are kept, so a long video never sits in memory.
 *
 * - FG-ARI: {@link adjustedRandIndex} on the contingency of GT objects × predicted labels.
 * - IoU[c,k] = |T_c ∧ P_k| / |T_c ∨ P_k| (0 for an empty union); mBO = mean over non-empty GT
 *   objects of max_k IoU[c,k]; mIoU = optimal one-to-one assignment maximising IoU, divided by
 *   the number of non-empty GT objects (unmatched objects score 0).
 * - Frames (image metrics) and videos without GT foreground are skipped; a video without any
 *   gives NaN.
 */
export function createObjectMetricsAccumulator(options: ObjectMetricsOptions = {}) {
  const voidLabel = options.voidLabel === undefined ? 255 : options.voidLabel;
  const frames: FrameTable[] = [];
  let size: { width: number; height: number } | undefined;

  return {
    /**
     * Add one frame: GT and predicted label maps of `width × height` pixels, row-major. `names`
     * (e.g. the files) name the maps in error messages.
     */
    addFrame(gt: LabelArray, pred: LabelArray, width: number, height: number, names: FrameNames = {}): void {
      const gtName = names.gt ?? 'gt';
      const predName = names.pred ?? 'pred';
      const n = width * height;
      if (gt.length !== n)
        throw new InputError(gtName, `has ${gt.length} labels, expected ${width}×${height} = ${n}`);
      if (pred.length !== n)
        throw new InputError(predName, `has ${pred.length} labels, expected ${width}×${height} = ${n}`);
      if (size && (size.width !== width || size.height !== height)) {
        throw new InputError(
          gtName,
          `size ${width}×${height} differs from the video's ${size.width}×${size.height}`,
        );
      }
      size = { width, height };
      const joint = new Map<number, number>();
      const gtArea = new Map<number, number>();
      const predArea = new Map<number, number>();
      // Counts from the maps' runs (piecewise constant), not pixel by pixel.
      const gtRuns = labelRuns(gt, width, height, gtName);
      const predRuns = labelRuns(pred, width, height, predName);
      for (let y = 0; y < height; y++) {
        forEachSegment(gtRuns, y, predRuns, y, (x0, x1, g, p) => {
          if (p > 65535) throw new InputError(predName, `label ${p} in row ${y} is outside 0..65535`);
          addTo(predArea, p, x1 - x0);
          if (g === 0 || g === voidLabel) return;
          addTo(gtArea, g, x1 - x0);
          addTo(joint, g * 65536 + p, x1 - x0);
        });
      }
      frames.push({ joint, gtArea, predArea });
    },

    /** The metrics over all frames added so far. */
    result(): ObjectMetricsResult {
      let gtMax = 0;
      let predMax = 0;
      const joint = new Map<number, number>();
      const gtArea = new Map<number, number>();
      const predArea = new Map<number, number>();
      for (const f of frames) {
        for (const g of f.gtArea.keys()) gtMax = Math.max(gtMax, g);
        for (const k of f.predArea.keys()) predMax = Math.max(predMax, k);
        for (const [key, v] of f.joint) addTo(joint, key, v);
        for (const [key, v] of f.gtArea) addTo(gtArea, key, v);
        for (const [key, v] of f.predArea) addTo(predArea, key, v);
      }
      const predCount = predMax + 1;

      let imageAriSum = 0;
      let imageAriCount = 0;
      let imageBoSum = 0;
      let imageBoCount = 0;
      for (const f of frames) {
        if (f.gtArea.size === 0) continue;
        imageAriSum += adjustedRandIndex(contingencyArray(f.joint, gtMax, predCount), gtMax, predCount);
        imageAriCount++;
        const labels = [...f.gtArea.keys()];
        imageBoSum += meanBestOverlap(
          iouMatrix(f.joint, f.gtArea, f.predArea, labels, predCount),
          labels.length,
          predCount,
        );
        imageBoCount++;
      }

      const labels = [...gtArea.keys()].sort((a, b) => a - b);
      if (labels.length === 0) {
        return { video_fg_ari: NaN, image_fg_ari: NaN, video_mbo: NaN, image_mbo: NaN, video_miou: NaN };
      }
      const iou = iouMatrix(joint, gtArea, predArea, labels, predCount);
      const matched = optimalAssignment(iou, labels.length, predCount, { maximize: true });
      return {
        video_fg_ari: adjustedRandIndex(contingencyArray(joint, gtMax, predCount), gtMax, predCount),
        image_fg_ari: imageAriSum / imageAriCount,
        video_mbo: meanBestOverlap(iou, labels.length, predCount),
        image_mbo: imageBoSum / imageBoCount,
        video_miou: matched.total / labels.length,
      };
    },
  };
}

/** The accumulator returned by {@link createObjectMetricsAccumulator}. */
export type ObjectMetricsAccumulator = ReturnType<typeof createObjectMetricsAccumulator>;
