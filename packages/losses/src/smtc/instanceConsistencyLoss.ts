import { InputError, optimalAssignment, type Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';
import { normalizeBackwardRow, normalizeRows } from '../common/rows.js';

/** Options of {@link instanceConsistencyLoss}. */
export interface InstanceConsistencyOptions {
  /** Margin of the negative term (default 0.5, SMTC). */
  readonly margin?: number;
}

/**
 * L_obj of SMTC (METHODS.md §3; shvdiwnkozbw/SMTC src/train.py, `object_loss` with
 * `matching_cost`): instance embeddings of the same semantic centre contrast across frames.
 *
 * z = objects/max(‖·‖, 1e-12), z' = teacherObjects/max(‖·‖, 1e-12) (idempotent on the model's
 * already-normalised embeddings). For every frame pair (i, j) — i = j included, as the official loop —
 * every video b and centre s: sim[p, q] = ⟨z_{b,i,s,p}, z'_{b,j,s,q}⟩; ε = the one-to-one matching
 * minimising Σ (1 − sim) (core's `optimalAssignment`, like scipy's `linear_sum_assignment`);
 *
 *   ℓ_p = v_{b,i,s,p}·[ mean_{q ≠ ε(p)} ReLU(sim[p, q] − margin) − v'_{b,j,s,ε(p)}·sim[p, ε(p)] ]
 *   value = Σ ℓ / (T·Σ_{b,t,s,p}(v + 1e-10))
 *
 * Gradient for the student embeddings only (the teacher is the EMA copy); the matching and the
 * validity weights are constants. `objects`, `teacherObjects`: [B, T, S, P, C] with P ≥ 2;
 * `valid`, `teacherValid`: [B, T, S, P] 0/1 weights (see {@link validInstances}).
 */
export function instanceConsistencyLoss(
  objects: Tensor,
  teacherObjects: Tensor,
  valid: Tensor,
  teacherValid: Tensor,
  options: InstanceConsistencyOptions = {},
): LossResult<'objects'> {
  const sizes: Record<string, number> = {};
  expectInput('objects', objects, ['B', 'T', 'S', 'P', 'C'], sizes);
  expectInput('teacherObjects', teacherObjects, ['B', 'T', 'S', 'P', 'C'], sizes);
  expectInput('valid', valid, ['B', 'T', 'S', 'P'], sizes);
  expectInput('teacherValid', teacherValid, ['B', 'T', 'S', 'P'], sizes);
  const B = sizes.B!;
  const T = sizes.T!;
  const S = sizes.S!;
  const P = sizes.P!;
  const C = sizes.C!;
  if (P < 2)
    throw new InputError('objects', `has P=${P} instances per centre, expected [B,T,S,P,C] with P >= 2`);
  const margin = options.margin ?? 0.5;
  const rows = B * T * S * P;
  const z = new Float64Array(rows * C);
  const zn = new Float64Array(rows);
  const zt = new Float64Array(rows * C);
  const ztn = new Float64Array(rows);
  normalizeRows(objects.data, rows, C, z, zn);
  normalizeRows(teacherObjects.data, rows, C, zt, ztn);
  const v = valid.data;
  const vt = teacherValid.data;
  let vSum = 0;
  for (let q = 0; q < rows; q++) vSum += v[q]! + 1e-10;
  const denom = T * vSum;
  const inv = 1 / denom;
  const invNeg = 1 / (P - 1);
  const sim = new Float64Array(P * P);
  const cost = new Float64Array(P * P);
  const match = new Int32Array(P);
  const gz = new Float64Array(rows * C);
  let total = 0;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        for (let s = 0; s < S; s++) {
          const ri = ((b * T + i) * S + s) * P; // first student row
          const rj = ((b * T + j) * S + s) * P; // first teacher row
          for (let p = 0; p < P; p++) {
            for (let q = 0; q < P; q++) {
              const d = dot(z, (ri + p) * C, zt, (rj + q) * C, C);
              sim[p * P + q] = d;
              cost[p * P + q] = 1 - d;
            }
          }
          const a = optimalAssignment(cost, P, P);
          for (let k = 0; k < P; k++) match[a.rows[k]!] = a.cols[k]!;
          for (let p = 0; p < P; p++) {
            const w = v[ri + p]!;
            if (w === 0) continue;
            const e = match[p]!;
            const wPos = vt[rj + e]!;
            let neg = 0;
            const go = (ri + p) * C;
            for (let q = 0; q < P; q++) {
              if (q === e) continue;
              const d = sim[p * P + q]! - margin;
              if (d > 0) {
                neg += d;
                const k = w * invNeg * inv;
                const to = (rj + q) * C;
                for (let c = 0; c < C; c++) gz[go + c]! += k * zt[to + c]!;
              }
            }
            total += w * (neg * invNeg - wPos * sim[p * P + e]!);
            if (wPos !== 0) {
              const k = -w * wPos * inv;
              const to = (rj + e) * C;
              for (let c = 0; c < C; c++) gz[go + c]! += k * zt[to + c]!;
            }
          }
        }
      }
    }
  }
  const grad = gradientLike(objects.data, rows * C);
  for (let r = 0; r < rows; r++) normalizeBackwardRow(gz, r * C, z, r * C, zn[r]!, C, grad, r * C);
  return { value: total * inv, grads: { objects: { data: grad, dims: [...objects.dims] } } };
}

/** ⟨x[xo…xo+n), y[yo…yo+n)⟩ in four partial sums (independent add chains), then the tail. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < n; c += 4) {
    s0 += x[xo + c]! * y[yo + c]!;
    s1 += x[xo + c + 1]! * y[yo + c + 1]!;
    s2 += x[xo + c + 2]! * y[yo + c + 2]!;
    s3 += x[xo + c + 3]! * y[yo + c + 3]!;
  }
  for (; c < n; c++) s0 += x[xo + c]! * y[yo + c]!;
  return s0 + s1 + (s2 + s3);
}
