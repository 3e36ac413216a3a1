/**
 * Linear centred kernel alignment (Kornblith et al., "Similarity of Neural Network Representations
 * Revisited", ICML 2019), as the attention-distillation loss of METHODS.md §4 uses it. For X [N, Dx]
 * and Y [N, Dy] with rows = samples (queries):
 *
 *   X_c, Y_c = X, Y with every column centred
 *   CKA(X, Y) = ‖Y_cᵀ X_c‖²_F / (‖X_cᵀ X_c‖_F · ‖Y_cᵀ Y_c‖_F)
 *
 * CKA ∈ [0, 1], symmetric, invariant to orthogonal transforms and isotropic scaling of either
 * argument, to adding a constant row; undefined (0/0 → NaN) when either centred matrix is zero.
 *
 * Gradient (for the distillation loss), with A = X_cᵀX_c, B = Y_cᵀY_c, C = Y_cᵀX_c, n_x = ‖A‖_F,
 * n_y = ‖B‖_F:  ∂CKA/∂X_c = 2·Y_c C / (n_x n_y) − 2·CKA·X_c A / n_x²,
 * ∂CKA/∂Y_c = 2·X_c Cᵀ / (n_x n_y) − 2·CKA·Y_c B / n_y²; centring passes the gradient through a
 * column centring.
 */
import { InputError } from '../errors/InputError.js';
import { expectFinite, expectShape } from '../tensor/checks.js';
import { type FloatArray, sizeOf, type Tensor } from '../tensor/Tensor.js';

/** Gradient accumulation target of {@link ckaMatrices}: `x[xOffset + …] += scale·∂CKA/∂X`, same for y. */
export interface CkaGradients {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly xOffset?: number;
  readonly yOffset?: number;
  readonly scale: number;
}

/** Reusable scratch memory for {@link ckaMatrices} at one (n, dx, dy); create once per loop. */
export class CkaWorkspace {
  readonly xt: Float64Array;
  readonly yt: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly row: Float64Array;
  readonly colMean: Float64Array;
  constructor(
    readonly n: number,
    readonly dx: number,
    readonly dy: number,
  ) {
    this.xt = new Float64Array(dx * n);
    this.yt = new Float64Array(dy * n);
    this.a = new Float64Array(dx * dx);
    this.b = new Float64Array(dy * dy);
    this.c = new Float64Array(dy * dx);
    this.row = new Float64Array(Math.max(dx, dy));
    this.colMean = new Float64Array(Math.max(dx, dy));
  }
}

/** Σ_r u[uo + r]·v[vo + r] for r < n, four accumulators. */
function dot(u: Float64Array, uo: number, v: Float64Array, vo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let r = 0;
  for (; r + 3 < n; r += 4) {
    s0 += u[uo + r]! * v[vo + r]!;
    s1 += u[uo + r + 1]! * v[vo + r + 1]!;
    s2 += u[uo + r + 2]! * v[vo + r + 2]!;
    s3 += u[uo + r + 3]! * v[vo + r + 3]!;
  }
  for (; r < n; r++) s0 += u[uo + r]! * v[vo + r]!;
  return s0 + s1 + s2 + s3;
}

/** Column-centred transpose of a row-major [n, d] block: out[j·n + r] = m[r, j] − mean_r m[r, j]. */
function centreTransposed(m: FloatArray, offset: number, n: number, d: number, out: Float64Array): void {
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += m[offset + r * d + j]!;
    const mean = s / n;
    const o = j * n;
    for (let r = 0; r < n; r++) out[o + r] = m[offset + r * d + j]! - mean;
  }
}

/** Gram of the rows of a transposed block: g[i·d + j] = Σ_r t[i, r]·t[j, r] (symmetric). */
function gram(t: Float64Array, n: number, d: number, g: Float64Array): number {
  let sq = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = dot(t, i * n, t, j * n, n);
      g[i * d + j] = v;
      g[j * d + i] = v;
      sq += i === j ? v * v : 2 * v * v;
    }
  }
  return sq;
}

/**
 * Linear CKA of one pair of row-major matrices x [n, dx] (from `xOffset`) and y [n, dy] (from
 * `yOffset`), in float64; with `grads`, adds `scale·∂CKA/∂x` and `scale·∂CKA/∂y` into them (rule in
 * the file header). Unchecked fast path; see {@link cka} for the checked tensor version.
 */
export function ckaMatrices(
  x: FloatArray,
  xOffset: number,
  y: FloatArray,
  yOffset: number,
  work: CkaWorkspace,
  grads?: CkaGradients,
): number {
  const { n, dx, dy, xt, yt, a, b, c } = work;
  centreTransposed(x, xOffset, n, dx, xt);
  centreTransposed(y, yOffset, n, dy, yt);
  const nx2 = gram(xt, n, dx, a);
  const ny2 = gram(yt, n, dy, b);
  let num = 0;
  for (let k = 0; k < dy; k++) {
    for (let i = 0; i < dx; i++) {
      const v = dot(yt, k * n, xt, i * n, n);
      c[k * dx + i] = v;
      num += v * v;
    }
  }
  const nx = Math.sqrt(nx2);
  const ny = Math.sqrt(ny2);
  const value = num / (nx * ny);
  if (grads !== undefined) {
    const alpha = (2 / (nx * ny)) * grads.scale;
    // ∂/∂X_c[r, :] = α·Σ_k Y_c[r, k]·C[k, :] − β_x·Σ_j X_c[r, j]·A[j, :]
    accumulateGradient(
      xt,
      yt,
      c,
      a,
      n,
      dx,
      dy,
      alpha,
      (2 * value * grads.scale) / nx2,
      grads.x,
      grads.xOffset ?? 0,
      work,
    );
    // ∂/∂Y_c[r, :] = α·Σ_i X_c[r, i]·C[:, i] − β_y·Σ_k Y_c[r, k]·B[k, :]
    accumulateGradientT(
      yt,
      xt,
      c,
      b,
      n,
      dy,
      dx,
      alpha,
      (2 * value * grads.scale) / ny2,
      grads.y,
      grads.yOffset ?? 0,
      work,
    );
  }
  return value;
}

/** out[r, i] += centred_r(α·Σ_k other[k, r]·C[k, i] − β·Σ_j self[j, r]·G[j, i]) for the X side. */
function accumulateGradient(
  selfT: Float64Array,
  otherT: Float64Array,
  c: Float64Array,
  g: Float64Array,
  n: number,
  d: number,
  dOther: number,
  alpha: number,
  beta: number,
  out: Float64Array,
  offset: number,
  work: CkaWorkspace,
): void {
  const row = work.row;
  const mean = work.colMean;
  mean.fill(0, 0, d);
  for (let r = 0; r < n; r++) {
    row.fill(0, 0, d);
    for (let k = 0; k < dOther; k++) {
      const w = alpha * otherT[k * n + r]!;
      const ck = k * d;
      for (let i = 0; i < d; i++) row[i]! += w * c[ck + i]!;
    }
    for (let j = 0; j < d; j++) {
      const w = -beta * selfT[j * n + r]!;
      const gj = j * d;
      for (let i = 0; i < d; i++) row[i]! += w * g[gj + i]!;
    }
    const o = offset + r * d;
    for (let i = 0; i < d; i++) {
      out[o + i]! += row[i]!;
      mean[i]! += row[i]!;
    }
  }
  for (let i = 0; i < d; i++) mean[i]! /= n;
  for (let r = 0; r < n; r++) {
    const o = offset + r * d;
    for (let i = 0; i < d; i++) out[o + i]! -= mean[i]!;
  }
}

/** The Y side of {@link accumulateGradient}: C is [d_y, d_x] so it is read transposed. */
function accumulateGradientT(
  selfT: Float64Array,
  otherT: Float64Array,
  c: Float64Array,
  g: Float64Array,
  n: number,
  d: number,
  dOther: number,
  alpha: number,
  beta: number,
  out: Float64Array,
  offset: number,
  work: CkaWorkspace,
): void {
  const row = work.row;
  const mean = work.colMean;
  mean.fill(0, 0, d);
  for (let r = 0; r < n; r++) {
    row.fill(0, 0, d);
    for (let k = 0; k < d; k++) {
      const ck = k * dOther;
      let s = 0;
      for (let i = 0; i < dOther; i++) s += otherT[i * n + r]! * c[ck + i]!;
      row[k]! += alpha * s;
    }
    for (let j = 0; j < d; j++) {
      const w = -beta * selfT[j * n + r]!;
      const gj = j * d;
      for (let i = 0; i < d; i++) row[i]! += w * g[gj + i]!;
    }
    const o = offset + r * d;
    for (let i = 0; i < d; i++) {
      out[o + i]! += row[i]!;
      mean[i]! += row[i]!;
    }
  }
  for (let i = 0; i < d; i++) mean[i]! /= n;
  for (let r = 0; r < n; r++) {
    const o = offset + r * d;
    for (let i = 0; i < d; i++) out[o + i]! -= mean[i]!;
  }
}

/**
 * Batched linear CKA (rule in the file header): x [..., N, Dx], y [..., N, Dy] → [...] (float64;
 * a scalar tensor with dims [] for plain matrices).
 *
 * @throws InputError naming the argument when shapes disagree or values are not finite.
 */
export function cka(x: Tensor, y: Tensor): Tensor<Float64Array> {
  if (x === null || typeof x !== 'object' || !Array.isArray(x.dims) || x.dims.length < 2) {
    throw new InputError('x', 'expected a tensor of shape [...,N,Dx]');
  }
  const lead = x.dims.slice(0, -2).map((_, i) => `L${i}`);
  const sizes: Record<string, number> = {};
  expectShape('x', x, [...lead, 'N', 'Dx'], sizes);
  expectShape('y', y, [...lead, 'N', 'Dy'], sizes);
  expectFinite('x', x.data);
  expectFinite('y', y.data);
  const n = sizes.N!;
  const dx = sizes.Dx!;
  const dy = sizes.Dy!;
  const leadDims = x.dims.slice(0, -2);
  const count = sizeOf(leadDims);
  const work = new CkaWorkspace(n, dx, dy);
  const out = new Float64Array(count);
  for (let q = 0; q < count; q++) out[q] = ckaMatrices(x.data, q * n * dx, y.data, q * n * dy, work);
  return { data: out, dims: leadDims };
}
