/**
 * Slot tracking across frames: the slots of frame t are matched one-to-one to those of frame t − 1
 * by optimal assignment (Hungarian, {@link optimalAssignment}) maximising the total cosine
 * similarity cos(a, b) = ⟨a, b⟩ / (‖a‖·‖b‖) (0 when either is the zero vector), and each matched slot
 * keeps the id of its predecessor. Slots left unmatched (more slots than before) or matched below
 * `minSimilarity` get fresh ids. Ids of the first frame are 0 … K − 1.
 * This is the per-frame matching SMTC and SlotContrast-style evaluations use to keep slot identities
 * when the slot order is not carried over time.
 */
import { optimalAssignment } from '../assignment/optimalAssignment.js';
import { InputError } from '../errors/InputError.js';
import { expectFinite, expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Cosine similarity matrix [K₁, K₂] of the rows of a [K₁, S] and b [K₂, S] (float64). */
export function slotCosine(a: Tensor, b: Tensor): Tensor<Float64Array> {
  const sizes: Record<string, number> = {};
  expectShape('previous slots', a, ['K1', 'S'], sizes);
  expectShape('slots', b, ['K2', 'S'], sizes);
  const k1 = sizes.K1!;
  const k2 = sizes.K2!;
  const s = sizes.S!;
  const norms = (t: Tensor, k: number) =>
    Float64Array.from({ length: k }, (_, i) => {
      let n = 0;
      for (let c = 0; c < s; c++) n += t.data[i * s + c]! ** 2;
      return Math.sqrt(n);
    });
  const na = norms(a, k1);
  const nb = norms(b, k2);
  const out = new Float64Array(k1 * k2);
  for (let i = 0; i < k1; i++) {
    for (let j = 0; j < k2; j++) {
      let dot = 0;
      for (let c = 0; c < s; c++) dot += a.data[i * s + c]! * b.data[j * s + c]!;
      const den = na[i]! * nb[j]!;
      out[i * k2 + j] = den === 0 ? 0 : dot / den;
    }
  }
  return { data: out, dims: [k1, k2] };
}

/**
 * For each slot of `current` [K₂, S], the index of its match among `previous` [K₁, S], or −1
 * (maximum total cosine; rule in the file header).
 */
export function matchSlots(previous: Tensor, current: Tensor): Int32Array {
  const cos = slotCosine(previous, current);
  const [k1, k2] = cos.dims as [number, number];
  const { rows, cols } = optimalAssignment(cos.data, k1, k2, { maximize: true });
  const match = new Int32Array(k2).fill(-1);
  for (let i = 0; i < rows.length; i++) match[cols[i]!] = rows[i]!;
  return match;
}

/** Options of {@link SlotTracker}. */
export interface SlotTrackerOptions {
  /** Matches with a cosine below this start a new id (default −∞: every match keeps its id). */
  readonly minSimilarity?: number;
}

/** One frame's result of {@link SlotTracker.update}. */
export interface TrackedSlots {
  /** Stable id of each slot of the frame. */
  readonly ids: Int32Array;
  /** Index of the matched slot in the previous frame, −1 for a new id. */
  readonly previous: Int32Array;
  /** Cosine to the matched previous slot (NaN for a new id). */
  readonly similarity: Float64Array;
}

/** Stateful tracker: feed the slots of each frame in order (rule in the file header). */
export class SlotTracker {
  readonly minSimilarity: number;
  #previous: Tensor | undefined;
  #ids = new Int32Array(0);
  #next = 0;

  constructor(options: SlotTrackerOptions = {}) {
    this.minSimilarity = options.minSimilarity ?? Number.NEGATIVE_INFINITY;
    if (Number.isNaN(this.minSimilarity)) throw new InputError('SlotTracker minSimilarity', 'is NaN');
  }

  /** Ids for the slots [K, S] of the next frame. */
  update(slots: Tensor): TrackedSlots {
    const sizes: Record<string, number> = {};
    expectShape('slots', slots, ['K', 'S'], sizes);
    expectFinite('slots', slots.data);
    const k = sizes.K!;
    const ids = new Int32Array(k);
    const previous = new Int32Array(k).fill(-1);
    const similarity = new Float64Array(k).fill(Number.NaN);
    const prev = this.#previous;
    if (prev === undefined) {
      for (let i = 0; i < k; i++) ids[i] = this.#next++;
    } else {
      if (prev.dims[1] !== sizes.S) {
        throw new InputError('slots', `have width ${sizes.S}, the previous frame's slots ${prev.dims[1]}`);
      }
      const cos = slotCosine(prev, slots);
      const match = matchSlots(prev, slots);
      for (let j = 0; j < k; j++) {
        const i = match[j]!;
        const c = i < 0 ? Number.NaN : cos.data[i * k + j]!;
        if (i >= 0 && c >= this.minSimilarity) {
          ids[j] = this.#ids[i]!;
          previous[j] = i;
          similarity[j] = c;
        } else {
          ids[j] = this.#next++;
        }
      }
    }
    this.#previous = { data: Float64Array.from(slots.data), dims: [k, sizes.S!] };
    this.#ids = ids;
    return { ids: Int32Array.from(ids), previous, similarity };
  }
}
