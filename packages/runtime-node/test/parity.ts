/**
 * Parity of the runtimes with PyTorch: a clip fixture (`{ frames [T,H0,W0,3] uint8-as-float32,
 * <model>: { pixels [T,3,H,W], slots [T,K,S], masks [T,K,P], attention [T,K,P] } }`, the contract
 * of tiny-clip.json) against a segmenter's results. Shared by the Node tests and the browser test
 * page (pure functions, no Node APIs).
 */
import {
  FramePreprocessor,
  type FrameResult,
  type PreprocessSpec,
  type RgbFrame,
  upsampleMasks,
} from '@slotmatch/core';

export interface ClipTensor {
  readonly dims: number[];
  readonly data: Float32Array | Float64Array | Int32Array;
}

export interface ParityReport {
  readonly pixels: number;
  readonly slots: number;
  readonly masks: number;
  readonly attention: number;
  /** Pixels whose label differs from the label map of the PyTorch masks. */
  readonly labelMismatches: number;
  /** Of those, pixels that are not a near-tie (top-two upsampled mask values within 1e-4) in PyTorch. */
  readonly labelMismatchesNotTies: number;
  readonly labelPixels: number;
}

/** Clip frames as RGB frames. */
export function clipFrames(frames: ClipTensor): RgbFrame[] {
  const [t, h, w] = frames.dims as [number, number, number, number];
  const out: RgbFrame[] = [];
  for (let i = 0; i < t; i++) {
    const data = new Uint8Array(h * w * 3);
    for (let j = 0; j < data.length; j++) data[j] = frames.data[i * h * w * 3 + j]!;
    out.push({ data, width: w, height: h, format: 'rgb' });
  }
  return out;
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>, offset = 0): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[offset + i]!));
  return worst;
}

/** Compare segmenter results (with masks "grid" and attention) to the clip's PyTorch tensors. */
export function parityReport(
  spec: PreprocessSpec,
  frames: readonly RgbFrame[],
  expected: Record<'pixels' | 'slots' | 'masks' | 'attention', ClipTensor>,
  results: readonly FrameResult[],
  grid: { gridHeight: number; gridWidth: number },
): ParityReport {
  const pre = new FramePreprocessor(spec);
  const k = expected.slots.dims[1]!;
  const s = expected.slots.dims[2]!;
  const p = expected.masks.dims[2]!;
  let pixels = 0;
  let slots = 0;
  let masks = 0;
  let attention = 0;
  let labelMismatches = 0;
  let notTies = 0;
  let labelPixels = 0;
  frames.forEach((frame, t) => {
    pixels = Math.max(pixels, maxAbs(pre.run(frame), expected.pixels.data, t * pre.frameSize));
    const r = results[t]!;
    slots = Math.max(slots, maxAbs(r.slots, expected.slots.data, t * k * s));
    masks = Math.max(masks, maxAbs(r.masks!, expected.masks.data, t * k * p));
    attention = Math.max(attention, maxAbs(r.attention!, expected.attention.data, t * k * p));
    const torchMasks = Float32Array.from(expected.masks.data.subarray(t * k * p, (t + 1) * k * p));
    const up = upsampleMasks(torchMasks, k, grid.gridHeight, grid.gridWidth, frame.height, frame.width);
    const n = frame.width * frame.height;
    labelPixels += n;
    for (let i = 0; i < n; i++) {
      let best = -Infinity;
      let second = -Infinity;
      let arg = 0;
      for (let j = 0; j < k; j++) {
        const v = up[j * n + i]!;
        if (v > best) {
          second = best;
          best = v;
          arg = j;
        } else if (v > second) second = v;
      }
      if (r.labels![i] !== arg + 1) {
        labelMismatches++;
        if (best - second > 1e-4) notTies++;
      }
    }
  });
  return { pixels, slots, masks, attention, labelMismatches, labelMismatchesNotTies: notTies, labelPixels };
}
