import { CkaWorkspace, ckaMatrices, expectShape, InputError, type Tensor } from '@slotmatch/core';
import { expectFiniteUnless } from '../common/checks.js';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';

/**
 * L_att of the deformable-attention distillation (METHODS.md §4, arXiv 2401.13937 — the project's
 * reading, a choice): for every attention map (leading dims: batch, head, layer, …) with rows =
 * queries,
 *
 *   value = mean over maps of 1 − CKA(teacher map, student map)
 *
 * with linear CKA (Kornblith et al. 2019, core's `ckaMatrices`, which also gives the gradient).
 * The widths (number of keys) may differ. Gradients for both arguments (a frozen teacher ignores
 * its own).
 *
 * `teacher`: [..., N, Dt]; `student`: [..., N, Ds] with the same leading dims and N. Finiteness is
 * checked from the value ({@link expectFiniteUnless}).
 */
export function ckaAttentionLoss(teacher: Tensor, student: Tensor): LossResult<'teacher' | 'student'> {
  if (
    teacher === null ||
    typeof teacher !== 'object' ||
    !Array.isArray(teacher.dims) ||
    teacher.dims.length < 2
  ) {
    throw new InputError('teacher', 'expected attention maps of shape [...,N,Dt]');
  }
  const lead = teacher.dims.slice(0, -2).map((_, i) => `L${i}`);
  const sizes: Record<string, number> = {};
  expectShape('teacher', teacher, [...lead, 'N', 'Dt'], sizes);
  expectShape('student', student, [...lead, 'N', 'Ds'], sizes);
  const n = sizes.N!;
  const dt = sizes.Dt!;
  const ds = sizes.Ds!;
  let maps = 1;
  for (const d of teacher.dims.slice(0, -2)) maps *= d;
  const work = new CkaWorkspace(n, dt, ds);
  // One map's gradients at a time in float64 (in cache across the map's products), then stored into
  // the gradients (float32 for float32 inputs, gradientLike) — no full-size float64 intermediates.
  const gt = gradientLike(teacher.data);
  const gs = gradientLike(student.data);
  const mapGrads = { x: new Float64Array(n * dt), y: new Float64Array(n * ds), scale: -1 / maps };
  let total = 0;
  for (let q = 0; q < maps; q++) {
    mapGrads.x.fill(0);
    mapGrads.y.fill(0);
    total += 1 - ckaMatrices(teacher.data, q * n * dt, student.data, q * n * ds, work, mapGrads);
    gt.set(mapGrads.x, q * n * dt);
    gs.set(mapGrads.y, q * n * ds);
  }
  // Every value enters a column mean and the Gram sums, so a NaN/±∞ anywhere makes the total non-finite.
  expectFiniteUnless(total, [
    ['teacher', teacher],
    ['student', student],
  ]);
  return {
    value: total / maps,
    grads: {
      teacher: { data: gt, dims: [...teacher.dims] },
      student: { data: gs, dims: [...student.dims] },
    },
  };
}
