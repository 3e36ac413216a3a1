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
 * ∂CKA/∂Y_c = 2·X_c Cᵀ / (n_x n_y) − 2·CKA·Y_c B / n_y².
 *
 * Centring passes a gradient G through as G − 1·(1ᵀG)/n (subtract its column means). Both gradients
 * above are already centred: each is a sum of terms M·W with M ∈ {X_c, Y_c}, and 1ᵀ(M·W) = (1ᵀM)·W =
 * 0·W = 0 because every column of a centred matrix sums to 0. So ∂CKA/∂X = ∂CKA/∂X_c and the
 * products are accumulated straight into the caller's gradient (the column means they would subtract
 * are rounding noise, ≈ 1e-16 of the gradient's scale; cka.test.ts checks the gradient against
 * central finite differences of the uncentred inputs and its column sums against 0).
 */
import { InputError } from '../errors/InputError.js';
import { gemmNN, gemmNT, gemmTN } from '../ops/gemm.js';
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
  /** Centred x [n, dx] and y [n, dy]. */
  readonly xc: Float64Array;
  readonly yc: Float64Array;
  /** A = X_cᵀX_c [dx, dx], B = Y_cᵀY_c [dy, dy], C = Y_cᵀX_c [dy, dx]. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  /** Column means of the block being centred (max(dx, dy) values). */
  readonly mean: Float64Array;
  constructor(
    readonly n: number,
    readonly dx: number,
    readonly dy: number,
  ) {
    this.xc = new Float64Array(n * dx);
    this.yc = new Float64Array(n * dy);
    this.a = new Float64Array(dx * dx);
    this.b = new Float64Array(dy * dy);
    this.c = new Float64Array(dy * dx);
    this.mean = new Float64Array(Math.max(dx, dy));
  }
}

/** Column-centre a row-major [n, d] block of `m` (from `offset`) into `out` [n, d]; `mean` is scratch. */
function centre(
  m: FloatArray,
  offset: number,
  n: number,
  d: number,
  out: Float64Array,
  mean: Float64Array,
): void {
  mean.fill(0, 0, d);
  for (let r = 0; r < n; r++) {
    const o = offset + r * d;
    for (let j = 0; j < d; j++) mean[j]! += m[o + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let r = 0; r < n; r++) {
    const o = offset + r * d;
    const w = r * d;
    for (let j = 0; j < d; j++) out[w + j] = m[o + j]! - mean[j]!;
  }
}

/** Σ of squares, in four partial sums (independent add chains). */
function sumSquares(v: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < v.length; i += 4) {
    s0 += v[i]! * v[i]!;
    s1 += v[i + 1]! * v[i + 1]!;
    s2 += v[i + 2]! * v[i + 2]!;
    s3 += v[i + 3]! * v[i + 3]!;
  }
  for (; i < v.length; i++) s0 += v[i]! * v[i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Linear CKA of one pair of row-major matrices x [n, dx] (from `xOffset`) and y [n, dy] (from
 * `yOffset`), in float64; with `grads`, adds `scale·∂CKA/∂x` and `scale·∂CKA/∂y` into them (rule in
 * the file header). Unchecked fast path (core's blocked `gemmTN` / `gemmNN` / `gemmNT` over the
 * centred matrices as they are stored, no transposes); see {@link cka} for the checked tensor version.
 */
export function ckaMatrices(
  x: FloatArray,
  xOffset: number,
  y: FloatArray,
  yOffset: number,
  work: CkaWorkspace,
  grads?: CkaGradients,
): number {
  const { n, dx, dy, xc, yc, a, b, c, mean } = work;
  centre(x, xOffset, n, dx, xc, mean);
  centre(y, yOffset, n, dy, yc, mean);
  gemmTN(dx, dx, n, xc, 0, xc, 0, a, 0); // A = X_cᵀX_c
  gemmTN(dy, dy, n, yc, 0, yc, 0, b, 0); // B = Y_cᵀY_c
  gemmTN(dy, dx, n, yc, 0, xc, 0, c, 0); // C = Y_cᵀX_c
  const nx2 = sumSquares(a);
  const ny2 = sumSquares(b);
  const num = sumSquares(c);
  const nx = Math.sqrt(nx2);
  const ny = Math.sqrt(ny2);
  const value = num / (nx * ny);
  if (grads !== undefined) {
    const alpha = (2 / (nx * ny)) * grads.scale;
    const ox = grads.xOffset ?? 0;
    const oy = grads.yOffset ?? 0;
    // ∂/∂X = ∂/∂X_c = α·Y_c·C − β_x·X_c·A, already centred (file header): accumulated in place.
    gemmNN(n, dx, dy, yc, 0, c, 0, grads.x, ox, alpha, true);
    gemmNN(n, dx, dx, xc, 0, a, 0, grads.x, ox, (-2 * value * grads.scale) / nx2, true);
    // ∂/∂Y = ∂/∂Y_c = α·X_c·Cᵀ − β_y·Y_c·B
    gemmNT(n, dy, dx, xc, 0, c, 0, grads.y, oy, alpha, true);
    gemmNN(n, dy, dy, yc, 0, b, 0, grads.y, oy, (-2 * value * grads.scale) / ny2, true);
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
