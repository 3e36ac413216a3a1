/**
 * Label propagation for semi-supervised VOS from per-frame features, the CRW protocol
 * (Jabri et al., NeurIPS 2020, ajabri/videowalk `code/test.py`, as SMTC's `src/eval_prop.py` runs it;
 * METHODS.md §3): official settings context = first frame + 20 previous, top-k = 7, radius 7,
 * temperature τ = 0.2.
 *
 * Features: one vector per token of an h × w grid, L2-normalised. The CRW loader pads the video with
 * n = `contextFrames` copies of the first frame, so the context of target frame j ≥ 1 is
 *   - the first frame (its ground-truth labels), exempt from the radius, and
 *   - the n preceding frames of the padded video: max(0, n − j + 1) copies of the first frame
 *     followed by frames max(1, j − n) … j − 1 with their propagated soft labels,
 *     restricted to tokens within the radius: ‖(y, x) − (y', x')‖₂ < radius in grid units.
 * For each target token m: a[i] = ⟨f_ctx[i], f_t[m]⟩ / τ over all context tokens i, keep the top-k
 * (duplicated first-frame copies count as distinct candidates, as in CRW), w = softmax(a_topk),
 * label_t[c, m] = Σ w·label_ctx[c, i]. Frame 0's prediction is its given labels.
 *
 * Streaming: the propagator holds only the first frame and the last n frames (features + soft
 * labels), so memory is bounded by the context, not by the video length.
 */
import { InputError } from '../errors/InputError.js';
import { expectFinite, expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Options of {@link LabelPropagator}. */
export interface LabelPropagationOptions {
  /** Token grid height h. */
  readonly gridHeight: number;
  /** Token grid width w. */
  readonly gridWidth: number;
  /** n previous frames in the context (CRW/SMTC: 20). */
  readonly contextFrames?: number;
  /** k nearest context tokens per target token (7). */
  readonly topK?: number;
  /** Spatial radius in grid tokens for the previous frames (7; strict <). */
  readonly radius?: number;
  /** Softmax temperature τ (0.2). */
  readonly temperature?: number;
  /** L2-normalise each token's features (default true, as CRW). */
  readonly normalize?: boolean;
}

interface Frame {
  /** Token-major features [P, D], L2-normalised when requested. */
  readonly features: Float32Array;
  /** Soft labels [C, P]. */
  readonly labels: Float32Array;
}

/** Streaming CRW label propagation (rule in the file header). */
export class LabelPropagator {
  readonly gridHeight: number;
  readonly gridWidth: number;
  readonly contextFrames: number;
  readonly topK: number;
  readonly radius: number;
  readonly temperature: number;
  readonly normalize: boolean;
  #first: Frame | undefined;
  #recent: Frame[] = [];
  #dim = 0;
  #classes = 0;
  #neighbours: Int32Array[] = [];

  constructor(options: LabelPropagationOptions) {
    const positive = (name: string, v: number, integer: boolean) => {
      if (!(v > 0) || (integer && !Number.isInteger(v))) {
        throw new InputError(
          `LabelPropagator ${name}`,
          `must be a positive ${integer ? 'integer' : 'number'}, got ${v}`,
        );
      }
      return v;
    };
    this.gridHeight = positive('gridHeight', options.gridHeight, true);
    this.gridWidth = positive('gridWidth', options.gridWidth, true);
    this.contextFrames = positive('contextFrames', options.contextFrames ?? 20, true);
    this.topK = positive('topK', options.topK ?? 7, true);
    this.radius = positive('radius', options.radius ?? 7, false);
    this.temperature = positive('temperature', options.temperature ?? 0.2, false);
    this.normalize = options.normalize ?? true;
    // Tokens within the radius of each token (row-major grid).
    const h = this.gridHeight;
    const w = this.gridWidth;
    const r = Math.ceil(this.radius);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const list: number[] = [];
        for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
          for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
            if (Math.hypot(yy - y, xx - x) < this.radius) list.push(yy * w + xx);
          }
        }
        this.#neighbours.push(Int32Array.from(list));
      }
    }
  }

  /** Number of tokens P = h·w. */
  get tokens(): number {
    return this.gridHeight * this.gridWidth;
  }

  /** Frames held in memory (the first frame plus distinct previous frames). */
  get framesInMemory(): number {
    return this.#first === undefined ? 0 : new Set([this.#first, ...this.#recent]).size;
  }

  #features(features: Tensor, name: string): Float32Array {
    const p = this.tokens;
    const sizes: Record<string, number> = this.#dim > 0 ? { D: this.#dim } : {};
    expectShape(name, features, [p, 'D'], sizes);
    expectFinite(name, features.data);
    const d = sizes.D!;
    const out = Float32Array.from(features.data);
    if (this.normalize) {
      for (let m = 0; m < p; m++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += out[m * d + c]! ** 2;
        const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
        for (let c = 0; c < d; c++) out[m * d + c]! *= inv;
      }
    }
    this.#dim = d;
    return out;
  }

  /**
   * Start a video: first-frame features [P, D] and its labels [C, P] (soft or one-hot, e.g. the
   * ground truth resized to the grid). Returns frame 0's prediction: the labels themselves.
   */
  start(features: Tensor, labels: Tensor): Tensor<Float32Array> {
    this.#dim = 0;
    const f = this.#features(features, 'features');
    const sizes: Record<string, number> = {};
    expectShape('labels', labels, ['C', this.tokens], sizes);
    expectFinite('labels', labels.data);
    this.#classes = sizes.C!;
    const first: Frame = { features: f, labels: Float32Array.from(labels.data) };
    this.#first = first;
    this.#recent = new Array<Frame>(this.contextFrames).fill(first);
    return { data: Float32Array.from(first.labels), dims: [this.#classes, this.tokens] };
  }

  /** Propagate to the next frame: features [P, D] → soft labels [C, P] (rule in the file header). */
  step(features: Tensor): Tensor<Float32Array> {
    const first = this.#first;
    if (first === undefined)
      throw new InputError(
        'LabelPropagator',
        'call start(features, labels) with the first frame before step()',
      );
    const q = this.#features(features, 'features');
    const p = this.tokens;
    const d = this.#dim;
    const c = this.#classes;
    const k = this.topK;
    const invT = 1 / this.temperature;
    // Context: the first frame (no radius), then the n previous frames (radius); distinct frames
    // are scored once and duplicates (first-frame padding) entered with their multiplicity.
    const distinct: Frame[] = [];
    const count = new Map<Frame, number>();
    for (const fr of this.#recent) {
      if (!count.has(fr)) distinct.push(fr);
      count.set(fr, (count.get(fr) ?? 0) + 1);
    }
    const out = new Float32Array(c * p);
    const topScore = new Float64Array(k);
    const topFrame: Frame[] = new Array(k);
    const topIndex = new Int32Array(k);
    for (let m = 0; m < p; m++) {
      let filled = 0;
      const offer = (score: number, frame: Frame, index: number, times: number) => {
        for (let rep = 0; rep < times; rep++) {
          if (filled === k && score <= topScore[k - 1]!) return;
          let pos = filled < k ? filled++ : k - 1;
          while (pos > 0 && topScore[pos - 1]! < score) {
            topScore[pos] = topScore[pos - 1]!;
            topFrame[pos] = topFrame[pos - 1]!;
            topIndex[pos] = topIndex[pos - 1]!;
            pos--;
          }
          topScore[pos] = score;
          topFrame[pos] = frame;
          topIndex[pos] = index;
        }
      };
      const qm = m * d;
      const dot = (f: Float32Array, i: number) => {
        let s = 0;
        const base = i * d;
        for (let e = 0; e < d; e++) s += f[base + e]! * q[qm + e]!;
        return s * invT;
      };
      for (let i = 0; i < p; i++) offer(dot(first.features, i), first, i, 1);
      const near = this.#neighbours[m]!;
      for (const fr of distinct) {
        const times = count.get(fr)!;
        for (const i of near) offer(dot(fr.features, i), fr, i, times);
      }
      const n = filled;
      const max = topScore[0]!;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(topScore[j]! - max);
      for (let j = 0; j < n; j++) {
        const wgt = Math.exp(topScore[j]! - max) / sum;
        const lab = topFrame[j]!.labels;
        const i = topIndex[j]!;
        for (let cl = 0; cl < c; cl++) out[cl * p + m]! += wgt * lab[cl * p + i]!;
      }
    }
    this.#recent.shift();
    this.#recent.push({ features: q, labels: out });
    return { data: Float32Array.from(out), dims: [c, p] };
  }
}
