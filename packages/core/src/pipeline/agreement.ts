/**
 * Agreement between a teacher's and a student's output on one frame.
 *
 * Slot agreement, as in L_slot-KD of SlotMatch (METHODS.md §2, index correspondence):
 *     cos = (1/K) Σ_k ⟨t_k, s_k⟩ / (max(‖t_k‖, ε)·max(‖s_k‖, ε)),  ε = 1e-8 (torch.cosine_similarity)
 * defined when both have the same K and S (a projected student of another width has none).
 *
 * Label-map agreement: the teacher's label map is the reference. Each teacher slot ℓ that covers
 * at least one pixel is paired with a student slot — the same index ("index", SlotMatch's
 * correspondence) or the optimal one-to-one pairing that maximises Σ J ("hungarian") — and
 * J (region IoU) and F (boundary measure) are the DAVIS per-object measures of that pair;
 * J, F are their means over the teacher's slots and J&F = (J + F)/2. The J and F functions are
 * injected (from @slotmatch/metrics) so core does not depend on the metrics package.
 */
import { optimalAssignment } from '../assignment/optimalAssignment.js';
import { InputError } from '../errors/index.js';

/** DAVIS per-object measures on binary masks (row-major, width·height). */
export interface MaskMeasures {
  regionJ(pred: Uint8Array, gt: Uint8Array): number;
  boundaryF(pred: Uint8Array, gt: Uint8Array, width: number, height: number): number;
}

/** How student slots are paired with teacher slots. */
export type SlotMatching = 'index' | 'hungarian';

/** Agreement on one frame. */
export interface FrameAgreement {
  /** Mean slot cosine (null when the slot shapes differ). */
  readonly slotCosine: number | null;
  readonly j: number;
  readonly f: number;
  readonly jf: number;
}

/** Mean cosine of paired slots [K, S] (formula in the file header); null when shapes differ. */
export function meanSlotCosine(
  teacher: Float32Array,
  student: Float32Array,
  slots: number,
  eps = 1e-8,
): number | null {
  if (teacher.length !== student.length || slots <= 0 || teacher.length % slots !== 0) return null;
  const dim = teacher.length / slots;
  let total = 0;
  for (let k = 0; k < slots; k++) {
    let dot = 0;
    let nt = 0;
    let ns = 0;
    for (let i = k * dim; i < (k + 1) * dim; i++) {
      dot += teacher[i]! * student[i]!;
      nt += teacher[i]! * teacher[i]!;
      ns += student[i]! * student[i]!;
    }
    total += dot / (Math.max(Math.sqrt(nt), eps) * Math.max(Math.sqrt(ns), eps));
  }
  return total / slots;
}

function binary(labels: Uint8Array, label: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === label ? 1 : 0;
  return out;
}

/**
 * J, F and J&F of a student label map against a teacher label map (labels 1 … K, rule in the file
 * header). Frames where the teacher map is empty score 1.
 */
export function labelMapAgreement(
  teacher: Uint8Array,
  student: Uint8Array,
  width: number,
  height: number,
  measures: MaskMeasures,
  matching: SlotMatching = 'index',
): { j: number; f: number; jf: number } {
  if (teacher.length !== width * height || student.length !== width * height) {
    throw new InputError(
      'label maps',
      `teacher ${teacher.length} and student ${student.length} values, expected ${width}×${height}`,
    );
  }
  const present: number[] = [];
  const counts = new Uint32Array(256);
  for (const v of teacher) counts[v]!++;
  for (let l = 1; l < 256; l++) if (counts[l]! > 0) present.push(l);
  if (present.length === 0) return { j: 1, f: 1, jf: 1 };
  let pairs: [number, number][];
  if (matching === 'index') {
    pairs = present.map((l) => [l, l]);
  } else {
    const studentCounts = new Uint32Array(256);
    for (const v of student) studentCounts[v]!++;
    const candidates: number[] = [];
    for (let l = 1; l < 256; l++) if (studentCounts[l]! > 0) candidates.push(l);
    if (candidates.length === 0) return { j: 0, f: 0, jf: 0 };
    const masks = candidates.map((l) => binary(student, l));
    const cost = new Float64Array(present.length * candidates.length);
    present.forEach((t, r) => {
      const gt = binary(teacher, t);
      candidates.forEach((_, c) => {
        cost[r * candidates.length + c] = measures.regionJ(masks[c]!, gt);
      });
    });
    const a = optimalAssignment(cost, present.length, candidates.length, { maximize: true });
    const byRow = new Map<number, number>();
    for (let i = 0; i < a.rows.length; i++) byRow.set(a.rows[i]!, candidates[a.cols[i]!]!);
    // Teacher slots left unpaired (more teacher than student slots) are compared with an empty mask (label 0 never occurs).
    pairs = present.map((t, r) => [t, byRow.get(r) ?? -1]);
  }
  let j = 0;
  let f = 0;
  for (const [t, s] of pairs) {
    const gt = binary(teacher, t);
    const pred = binary(student, s);
    j += measures.regionJ(pred, gt);
    f += measures.boundaryF(pred, gt, width, height);
  }
  j /= pairs.length;
  f /= pairs.length;
  return { j, f, jf: (j + f) / 2 };
}
