/**
 * Teacher and student side by side on one video: both segmenters run on every frame (the source
 * is read once and shared), and each frame reports both results, their agreement
 * ({@link labelMapAgreement}, {@link meanSlotCosine}) and the teacher/student time ratio.
 * Memory stays bounded: the two runs advance in lockstep, so at most one encoder batch of frames
 * is buffered between them.
 */
import { InputError } from '../errors/index.js';
import type { RgbFrame } from '../image/frame.js';
import {
  type FrameAgreement,
  labelMapAgreement,
  type MaskMeasures,
  meanSlotCosine,
  type SlotMatching,
} from './agreement.js';
import type { FrameResult, FrameSource, Segmenter, SegmentOptions } from './segmenter.js';
import { TimingAccumulator, type TimingSummary } from './timings.js';

/** Options of {@link compareSegmenters}. */
export interface CompareOptions extends Pick<SegmentOptions, 'batchSize' | 'signal'> {
  /** J and F functions (pass `regionJ` and `boundaryF` of @slotmatch/metrics). */
  readonly measures: MaskMeasures;
  /** Slot pairing for J&F (default "index", SlotMatch's correspondence). */
  readonly matching?: SlotMatching;
}

/** One frame of a comparison. */
export interface ComparedFrame {
  readonly index: number;
  readonly teacher: FrameResult;
  readonly student: FrameResult;
  readonly agreement: FrameAgreement;
  /** teacher totalMs / student totalMs on this frame. */
  readonly speedRatio: number;
}

/** Means over a comparison. */
export interface ComparisonSummary {
  readonly frames: number;
  readonly slotCosine: number | null;
  readonly j: number;
  readonly f: number;
  readonly jf: number;
  readonly teacher: TimingSummary;
  readonly student: TimingSummary;
  /** Σ teacher totalMs / Σ student totalMs (> 1: the student is faster). */
  readonly speedRatio: number;
}

/** Running means over compared frames (constant memory). */
export class ComparisonAccumulator {
  private n = 0;
  private cos = 0;
  private cosN = 0;
  private j = 0;
  private f = 0;
  private jf = 0;
  private readonly teacher = new TimingAccumulator();
  private readonly student = new TimingAccumulator();

  add(frame: ComparedFrame): void {
    this.n++;
    if (frame.agreement.slotCosine !== null) {
      this.cos += frame.agreement.slotCosine;
      this.cosN++;
    }
    this.j += frame.agreement.j;
    this.f += frame.agreement.f;
    this.jf += frame.agreement.jf;
    this.teacher.add(frame.teacher.timings);
    this.student.add(frame.student.timings);
  }

  summary(): ComparisonSummary {
    const n = Math.max(this.n, 1);
    const teacher = this.teacher.summary();
    const student = this.student.summary();
    return {
      frames: this.n,
      slotCosine: this.cosN === 0 ? null : this.cos / this.cosN,
      j: this.j / n,
      f: this.f / n,
      jf: this.jf / n,
      teacher,
      student,
      speedRatio: student.meanMs.totalMs === 0 ? 0 : teacher.meanMs.totalMs / student.meanMs.totalMs,
    };
  }
}

/**
 * Split one frame source into two that must be consumed in lockstep-ish order: each branch
 * buffers the frames the other branch has pulled but it has not yet consumed.
 */
function teeFrames(frames: FrameSource): [AsyncIterable<RgbFrame>, AsyncIterable<RgbFrame>] {
  const it: Iterator<RgbFrame> | AsyncIterator<RgbFrame> =
    Symbol.asyncIterator in frames
      ? frames[Symbol.asyncIterator]()
      : (frames as Iterable<RgbFrame>)[Symbol.iterator]();
  const queues: RgbFrame[][] = [[], []];
  let done = false;
  let pulling: Promise<void> | undefined;
  const pull = () => {
    pulling ??= (async () => {
      const r = await it.next();
      if (r.done) done = true;
      else for (const q of queues) q.push(r.value);
    })().finally(() => {
      pulling = undefined;
    });
    return pulling;
  };
  const branch = (i: number): AsyncIterable<RgbFrame> => ({
    async *[Symbol.asyncIterator]() {
      const q = queues[i]!;
      for (;;) {
        if (q.length > 0) {
          yield q.shift()!;
          continue;
        }
        if (done) return;
        await pull();
      }
    },
  });
  return [branch(0), branch(1)];
}

/** Run teacher and student on the same frames (rule in the file header). */
export async function* compareSegmenters(
  teacher: Segmenter,
  student: Segmenter,
  frames: FrameSource,
  options: CompareOptions,
): AsyncGenerator<ComparedFrame, void, undefined> {
  if (!options?.measures)
    throw new InputError('compare options', 'measures { regionJ, boundaryF } are required');
  const [a, b] = teeFrames(frames);
  const segOpts: SegmentOptions = {
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const ti = teacher.segment(a, segOpts);
  const si = student.segment(b, segOpts);
  const k = teacher.manifest.slots.count;
  try {
    for (;;) {
      const t = await ti.next();
      const s = await si.next();
      if (t.done || s.done) {
        if (t.done !== s.done)
          throw new InputError('compare', 'teacher and student produced different frame counts');
        return;
      }
      const tr = t.value;
      const sr = s.value;
      const lm = labelMapAgreement(
        tr.labels!,
        sr.labels!,
        tr.width,
        tr.height,
        options.measures,
        options.matching,
      );
      const slotCosine = student.manifest.slots.count === k ? meanSlotCosine(tr.slots, sr.slots, k) : null;
      yield {
        index: tr.index,
        teacher: tr,
        student: sr,
        agreement: { slotCosine, ...lm },
        speedRatio: sr.timings.totalMs === 0 ? 0 : tr.timings.totalMs / sr.timings.totalMs,
      };
    }
  } finally {
    await Promise.allSettled([ti.return(undefined), si.return(undefined)]);
  }
}
