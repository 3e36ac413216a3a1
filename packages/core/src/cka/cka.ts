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
import { gemmNT, transpose } from '../ops/gemm.js';
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
  /** Centred x [n, dx] and y [n, dy], and their transposes. */
  readonly xc: Float64Array;
  readonly yc: Float64Array;
  readonly xt: Float64Array;
  readonly yt: Float64Array;
  /** A = X_cᵀX_c [dx, dx], B = Y_cᵀY_c [dy, dy], C = Y_cᵀX_c [dy, dx] and Cᵀ. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly ct: Float64Array;
  /** Gradients before centring: [n, dx] and [n, dy]. */
  readonly gx: Float64Array;
  readonly gy: Float64Array;
  constructor(
    readonly n: number,
    readonly dx: number,
    readonly dy: number,
  ) {
    this.xc = new Float64Array(n * dx);
    this.yc = new Float64Array(n * dy);
    this.xt = new Float64Array(dx * n);
    this.yt = new Float64Array(dy * n);
    this.a = new Float64Array(dx * dx);
    this.b = new Float64Array(dy * dy);
    this.c = new Float64Array(dy * dx);
    this.ct = new Float64Array(dx * dy);
    this.gx = new Float64Array(n * dx);
    this.gy = new Float64Array(n * dy);
  }
}

/** Column-centre a row-major [n, d] block into `out` (and its transpose into `outT`). */
function centre(
  m: FloatArray,
  offset: number,
  n: number,
  d: number,
  out: Float64Array,
  outT: Float64Array,
): void {
  out.fill(0);
  for (let r = 0; r < n; r++) {
    const o = offset + r * d;
    for (let j = 0; j < d; j++) out[j]! += m[o + j]!;
  }
  const mean = out.slice(0, d);
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let r = 0; r < n; r++) {
    const o = offset + r * d;
    for (let j = 0; j < d; j++) out[r * d + j] = m[o + j]! - mean[j]!;
  }
  transpose(out, 0, n, d, outT, 0);
}

/** Σ of squares. */
function sumSquares(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}

/** out[offset + r·d + i] += g[r, i] − mean_r g[:, i] (centring's backward). */
function addCentred(g: Float64Array, n: number, d: number, out: Float64Array, offset: number): void {
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mean[i]! += g[r * d + i]!;
  for (let i = 0; i < d; i++) mean[i]! /= n;
  for (let r = 0; r < n; r++) {
    const o = offset + r * d;
    for (let i = 0; i < d; i++) out[o + i]! += g[r * d + i]! - mean[i]!;
  }
}

/**
 * Linear CKA of one pair of row-major matrices x [n, dx] (from `xOffset`) and y [n, dy] (from
 * `yOffset`), in float64; with `grads`, adds `scale·∂CKA/∂x` and `scale·∂CKA/∂y` into them (rule in
 * the file header). Unchecked fast path (core's blocked `gemmNT` for every product); see {@link cka}
 * for the checked tensor version.
 */
export function ckaMatrices(
  x: FloatArray,
  xOffset: number,
  y: FloatArray,
  yOffset: number,
  work: CkaWorkspace,
  grads?: CkaGradients,
): number {
  const { n, dx, dy, xc, yc, xt, yt, a, b, c, ct, gx, gy } = work;
  centre(x, xOffset, n, dx, xc, xt);
  centre(y, yOffset, n, dy, yc, yt);
  gemmNT(dx, dx, n, xt, 0, xt, 0, a, 0);
  gemmNT(dy, dy, n, yt, 0, yt, 0, b, 0);
  gemmNT(dy, dx, n, yt, 0, xt, 0, c, 0);
  const nx2 = sumSquares(a);
  const ny2 = sumSquares(b);
  const num = sumSquares(c);
  const nx = Math.sqrt(nx2);
  const ny = Math.sqrt(ny2);
  const value = num / (nx * ny);
  if (grads !== undefined) {
    const alpha = (2 / (nx * ny)) * grads.scale;
    // ∂/∂X_c = α·Y_c·C − β_x·X_c·A   (A symmetric: X_c·A = X_c·Aᵀ)
    transpose(c, 0, dy, dx, ct, 0);
    gemmNT(n, dx, dy, yc, 0, ct, 0, gx, 0, alpha);
    gemmNT(n, dx, dx, xc, 0, a, 0, gx, 0, (-2 * value * grads.scale) / nx2, true);
    addCentred(gx, n, dx, grads.x, grads.xOffset ?? 0);
    // ∂/∂Y_c = α·X_c·Cᵀ − β_y·Y_c·B
    gemmNT(n, dy, dx, xc, 0, c, 0, gy, 0, alpha);
    gemmNT(n, dy, dy, yc, 0, b, 0, gy, 0, (-2 * value * grads.scale) / ny2, true);
    addCentred(gy, n, dy, grads.y, grads.yOffset ?? 0);
  }
  return value;
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
