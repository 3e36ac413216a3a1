/**
 * The evaluation pipeline: for every sequence, frame by frame, the GT and predicted label maps go
 * into two @slotmatch/metrics accumulators at once — the DAVIS 2017 unsupervised J&F evaluator
 * (davis2017-evaluation `_evaluate_unsupervised`: proposals = predicted ids ≤ 20, optimal matching
 * on (mean J + mean F)/2, void excluded) and the object-centric metrics of videosaur / SlotContrast
 * `metrics.py` (FG-ARI, mBO, mIoU over the video volume and per image). Only per-frame statistics
 * are kept, so memory does not grow with video length.
 *
 * Aggregation: J&F as the DAVIS evaluator's global results (all matched objects of all sequences
 * pooled with equal weight); FG-ARI, mBO and mIoU as the mean over videos of the per-video numbers
 * (videos without GT foreground, NaN, are left out of the mean).
 */
import {
  createDavisSequenceEvaluator,
  createObjectMetricsAccumulator,
  type GlobalResults,
  globalResults,
  type MatchedObject,
} from '@slotmatch/metrics';
import { pairSequences, readLabels } from './layout.js';

/** Options of {@link evaluateFolders}. */
export interface EvaluateOptions {
  /** Ground-truth root in DAVIS layout (`<root>/<sequence>/<frame>.png`). */
  readonly gt: string;
  /** Prediction root in the same layout. */
  readonly pred: string;
  /** Evaluate only these sequences (default: every GT sequence). */
  readonly sequences?: readonly string[];
  /** Called after each sequence. */
  readonly onSequence?: (row: SequenceScores, done: number, total: number) => void;
}

/** The scores of one sequence. */
export interface SequenceScores {
  readonly sequence: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  /** GT objects N (DAVIS: largest label of frame 0). */
  readonly objects: number;
  /** Largest predicted id (the DAVIS proposals). */
  readonly proposals: number;
  /** Mean over this sequence's objects of (J-Mean + F-Mean)/2. */
  readonly jf: number;
  readonly j: number;
  readonly f: number;
  /** FG-ARI over the T×H×W volume (`video_fg_ari`). */
  readonly fgAri: number;
  /** FG-ARI per frame, averaged (`image_fg_ari`). */
  readonly imageFgAri: number;
  /** Mean best overlap of the spatio-temporal volumes (`video_mbo`). */
  readonly mbo: number;
  /** Mean best overlap per frame (`image_mbo`). */
  readonly imageMbo: number;
  /** Hungarian-matched mean IoU of the volumes (`video_miou`). */
  readonly miou: number;
  /** The DAVIS pairs: GT object ↔ proposal with J and F means. */
  readonly matches: readonly { gtId: number; predId: number; j: number; f: number }[];
}

/** The whole evaluation. */
export interface EvaluationReport {
  readonly gt: string;
  readonly pred: string;
  readonly protocol: 'davis-unsupervised';
  readonly sequences: readonly SequenceScores[];
  /** DAVIS global results (pooled objects) and the object metrics' means over videos. */
  readonly global: GlobalResults & {
    readonly 'FG-ARI': number;
    readonly mBO: number;
    readonly mIoU: number;
    readonly 'image-FG-ARI': number;
    readonly 'image-mBO': number;
  };
}

function meanOf(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : finite.reduce((s, v) => s + v, 0) / finite.length;
}

/** Evaluate a prediction root against a GT root (pipeline and aggregation in the file header). */
export async function evaluateFolders(options: EvaluateOptions): Promise<EvaluationReport> {
  const pairs = await pairSequences(options.gt, options.pred, options.sequences);
  const rows: SequenceScores[] = [];
  const pooled: MatchedObject[] = [];
  for (const pair of pairs) {
    const davis = createDavisSequenceEvaluator({ protocol: 'unsupervised' });
    const objects = createObjectMetricsAccumulator();
    let width = 0;
    let height = 0;
    for (const name of pair.frames) {
      const gtPath = `${pair.gtDir}/${name}`;
      const predPath = `${pair.predDir}/${name}`;
      const gt = await readLabels(gtPath);
      const pred = await readLabels(predPath);
      davis.addFrame(gt, pred, { gt: gtPath, pred: predPath });
      objects.addFrame(gt.data, pred.data, gt.width, gt.height);
      width = gt.width;
      height = gt.height;
    }
    const { objects: matched, summary } = davis.finish();
    const seq = globalResults(matched);
    const o = objects.result();
    pooled.push(...matched);
    const row: SequenceScores = {
      sequence: pair.sequence,
      frames: pair.frames.length,
      width,
      height,
      objects: summary.gtObjects,
      proposals: summary.predObjectsRead,
      jf: seq['J&F-Mean'],
      j: seq['J-Mean'],
      f: seq['F-Mean'],
      fgAri: o.video_fg_ari,
      imageFgAri: o.image_fg_ari,
      mbo: o.video_mbo,
      imageMbo: o.image_mbo,
      miou: o.video_miou,
      matches: matched.map((m) => ({ gtId: m.gtId, predId: m.predId, j: m.J.mean, f: m.F.mean })),
    };
    rows.push(row);
    options.onSequence?.(row, rows.length, pairs.length);
  }
  return {
    gt: options.gt,
    pred: options.pred,
    protocol: 'davis-unsupervised',
    sequences: rows,
    global: {
      ...globalResults(pooled),
      'FG-ARI': meanOf(rows.map((r) => r.fgAri)),
      mBO: meanOf(rows.map((r) => r.mbo)),
      mIoU: meanOf(rows.map((r) => r.miou)),
      'image-FG-ARI': meanOf(rows.map((r) => r.imageFgAri)),
      'image-mBO': meanOf(rows.map((r) => r.imageMbo)),
    },
  };
}
