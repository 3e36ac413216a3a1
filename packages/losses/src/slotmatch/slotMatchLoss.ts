import type { Tensor } from '@slotmatch/core';
import { reconstructionLoss } from './reconstructionLoss.js';
import { slotContrastLoss } from './slotContrastLoss.js';
import { type SlotProjection, slotKdLoss } from './slotKdLoss.js';

/** Inputs of {@link slotMatchLoss}. */
export interface SlotMatchInputs {
  /** The student decoder's reconstruction [B, T, P, D]. */
  readonly recon: Tensor;
  /** The reconstruction target (the student backbone's features) [B, T, P, D]. */
  readonly target: Tensor;
  /** Student slots [B, T, K, S']. */
  readonly studentSlots: Tensor;
  /** Frozen teacher slots [B, T, K, S] (no gradient). */
  readonly teacherSlots: Tensor;
}

/** Options of {@link slotMatchLoss}. */
export interface SlotMatchOptions {
  /** Weight α of L_slot-contrast (default 0.5, SlotContrast). */
  readonly alpha?: number;
  /** Weight β of L_slot-KD (default 1.0, the project's choice — METHODS.md §2). */
  readonly beta?: number;
  /** Contrast temperature τ (default 0.1). */
  readonly temperature?: number;
  /** Slot correspondence of L_slot-KD (default `'index'`). */
  readonly correspondence?: 'index' | 'hungarian';
  /** Student → teacher width projection of L_slot-KD. */
  readonly projection?: SlotProjection;
}

/** Result of {@link slotMatchLoss}: the total, its gradients, and each term's value. */
export interface SlotMatchResult {
  readonly value: number;
  readonly grads: {
    readonly recon: Tensor;
    readonly target: Tensor;
    readonly studentSlots: Tensor;
    readonly projectionWeight?: Tensor;
    readonly projectionBias?: Tensor;
  };
  readonly terms: { readonly reconstruction: number; readonly contrast: number; readonly kd: number };
}

/**
 * The SlotMatch objective (METHODS.md §2, arXiv 2508.03411), teacher frozen:
 *
 *   L = L_rec(recon, target) + α·L_slot-contrast(student slots) + β·L_slot-KD(teacher, student)
 *
 * Gradients are the weighted sums of each term's ({@link reconstructionLoss},
 * {@link slotContrastLoss}, {@link slotKdLoss}); the teacher receives none.
 */
export function slotMatchLoss(inputs: SlotMatchInputs, options: SlotMatchOptions = {}): SlotMatchResult {
  const alpha = options.alpha ?? 0.5;
  const beta = options.beta ?? 1.0;
  const rec = reconstructionLoss(inputs.recon, inputs.target);
  const con = slotContrastLoss(inputs.studentSlots, { temperature: options.temperature ?? 0.1 });
  const kd = slotKdLoss(inputs.teacherSlots, inputs.studentSlots, {
    correspondence: options.correspondence ?? 'index',
    ...(options.projection === undefined ? {} : { projection: options.projection }),
  });
  const gs = con.grads.slots.data;
  const gk = kd.grads.student.data;
  for (let i = 0; i < gs.length; i++) gs[i] = alpha * gs[i]! + beta * gk[i]!;
  const grads: SlotMatchResult['grads'] = {
    recon: rec.grads.recon,
    target: rec.grads.target,
    studentSlots: con.grads.slots,
    ...(kd.grads.projectionWeight === undefined
      ? {}
      : { projectionWeight: scaled(kd.grads.projectionWeight, beta) }),
    ...(kd.grads.projectionBias === undefined
      ? {}
      : { projectionBias: scaled(kd.grads.projectionBias, beta) }),
  };
  return {
    value: rec.value + alpha * con.value + beta * kd.value,
    grads,
    terms: { reconstruction: rec.value, contrast: con.value, kd: kd.value },
  };
}

function scaled(t: Tensor, k: number): Tensor {
  for (let i = 0; i < t.data.length; i++) t.data[i]! *= k;
  return t;
}
