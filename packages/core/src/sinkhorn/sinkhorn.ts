/**
 * Entropic optimal transport by Sinkhorn iterations, as SMTC's `sinkhorn_cluster`
 * (shvdiwnkozbw/SMTC, src/train.py; METHODS.md §3):
 *
 *   μ_s ← μ_s / Σ μ_s,  μ_t ← μ_t / Σ μ_t,  K = exp(−C / ε),  a = μ_s,  b = 1
 *   repeat `iterations` times:  a = μ_s / (K·b),  b = μ_t / (Kᵀ·a)
 *   Π = diag(a) · K · diag(b)
 *
 * After the last step the column sums of Π equal μ_t exactly; the row sums approach μ_s as the
 * iterations grow (SMTC runs 3 with ε = 0.05, so they are not exact). No gradient flows through Π
 * in SMTC (it is computed under `torch.no_grad`), so none is provided.
 */
import { InputError } from '../errors/InputError.js';
import { expInPlace } from '../ops/expWasm.js';
import { expectFinite, expectShape } from '../tensor/checks.js';
import { type FloatArray, sizeOf, type Tensor } from '../tensor/Tensor.js';
import { sinkhornSweep } from './sinkhornSweepWasm.js';

/** Options of {@link sinkhorn} and {@link sinkhornPlan}. */
export interface SinkhornOptions {
  /** Entropic regularisation ε (default 0.05, SMTC). */
  readonly eps?: number;
  /** Number of (a, b) update pairs (default 3, SMTC). */
  readonly iterations?: number;
}

type Numbers = ArrayLike<number>;

/** Offsets into the raw arrays of {@link sinkhornPlan} and {@link sinkhornScalings}. */
export interface SinkhornOffsets {
  readonly muS?: number;
  readonly muT?: number;
  readonly cost?: number;
  readonly kernel?: number;
  readonly out?: number;
}

/**
 * One sweep over the rows of the `rows` × `cols` row-major block K at `k[ko…]`: for each row r,
 * d = Σ_c K[r, c]·v[c] (four partial sums: independent add chains), w[r] = μ[muOffset + r]/(μSum·d),
 * and, with `acc`, acc[c] += w[r]·K[r, c] while the row is still in the cache. So one read of K gives
 * both Sinkhorn products of an iteration (the new scaling of the rows and Kᵀ·w for the next one).
 */
function sweepRows(
  k: Float64Array,
  ko: number,
  rows: number,
  cols: number,
  v: Float64Array,
  mu: Numbers,
  muOffset: number,
  muSum: number,
  w: Float64Array,
  acc: Float64Array | null,
): void {
  if (acc !== null) acc.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const o = ko + r * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let c = 0;
    for (; c + 3 < cols; c += 4) {
      s0 += k[o + c]! * v[c]!;
      s1 += k[o + c + 1]! * v[c + 1]!;
      s2 += k[o + c + 2]! * v[c + 2]!;
      s3 += k[o + c + 3]! * v[c + 3]!;
    }
    for (; c < cols; c++) s0 += k[o + c]! * v[c]!;
    const wr = mu[muOffset + r]! / muSum / (s0 + s1 + (s2 + s3));
    w[r] = wr;
    if (acc !== null) for (let c = 0; c < cols; c++) acc[c]! += k[o + c]! * wr;
  }
}

/** w[c] = μ[muOffset + c]/(μSum·acc[c]) for c < count. */
function divideInto(
  w: Float64Array,
  mu: Numbers,
  muOffset: number,
  muSum: number,
  acc: Float64Array,
  count: number,
): void {
  for (let c = 0; c < count; c++) w[c] = mu[muOffset + c]! / muSum / acc[c]!;
}

/**
 * The Sinkhorn scalings of a kernel that is already computed (rule in the file header): given
 * K = exp(−C/ε) [n, m], writes a (n values) and b (m values) with Π = diag(a)·K·diag(b) after
 * `iterations` updates a = μ_s/(K·b), b = μ_t/(Kᵀ·a) from b = 1 (marginals normalised to sum 1).
 *
 * `kernel` holds K row-major [n, m] from `offsets.kernel`, or, with `transposed`, Kᵀ row-major [m, n].
 * The transposed form lets one exp serve both directions of a frame pair: the kernel of (j, i) is the
 * transpose of the kernel of (i, j) because their costs are transposes (SMTC's L_sem). Each iteration
 * reads the kernel once: a row's dot product gives its scaling, which the same sweep adds into the
 * other side's product (the transposed form needs one more sweep, for the first a). From n·m ≥ 1024
 * the sweeps run on a WebAssembly SIMD kernel over a copy of the block (sinkhornSweepWasm.ts), below
 * and without SIMD as JavaScript loops; both agree to rounding. Unchecked; allocates one vector of at
 * most max(n, m) values (a and b are the caller's, at least n and m values).
 */
export function sinkhornScalings(
  muS: Numbers,
  muT: Numbers,
  kernel: Float64Array,
  n: number,
  m: number,
  transposed: boolean,
  iterations: number,
  a: Float64Array,
  b: Float64Array,
  offsets: SinkhornOffsets = {},
): void {
  const os = offsets.muS ?? 0;
  const ot = offsets.muT ?? 0;
  const ok = offsets.kernel ?? 0;
  let sumS = 0;
  for (let i = 0; i < n; i++) sumS += muS[os + i]!;
  let sumT = 0;
  for (let j = 0; j < m; j++) sumT += muT[ot + j]!;
  b.fill(1, 0, m);
  for (let i = 0; i < n; i++) a[i] = muS[os + i]! / sumS;
  if (iterations <= 0) return;
  if (
    n * m >= SWEEP_KERNEL_MIN &&
    scaleOnKernel(muS, muT, kernel, n, m, transposed, iterations, a, b, os, ot, ok, sumS, sumT)
  )
    return;
  const acc = new Float64Array(Math.max(n, m));
  if (!transposed) {
    // Rows of K are the a side: a_i = μ_s,i/(K[i,:]·b), acc = Kᵀa, then b = μ_t/acc.
    for (let it = 0; it < iterations; it++) {
      sweepRows(kernel, ok, n, m, b, muS, os, sumS, a, acc);
      divideInto(b, muT, ot, sumT, acc, m);
    }
    return;
  }
  // Rows of Kᵀ are the b side. First a = μ_s/(K·1) from the column sums of Kᵀ; then per iteration
  // b_j = μ_t,j/(Kᵀ[j,:]·a) and, except in the last, acc = K·b for the next a.
  acc.fill(0, 0, n);
  for (let j = 0; j < m; j++) {
    const o = ok + j * n;
    for (let i = 0; i < n; i++) acc[i]! += kernel[o + i]!;
  }
  divideInto(a, muS, os, sumS, acc, n);
  for (let it = 0; it < iterations; it++) {
    const last = it === iterations - 1;
    sweepRows(kernel, ok, m, n, a, muT, ot, sumT, b, last ? null : acc);
    if (!last) divideInto(a, muS, os, sumS, acc, n);
  }
}

/** Kernel sizes n·m from which the sweeps run on the SIMD kernel (below: the JavaScript loops, no copy). */
const SWEEP_KERNEL_MIN = 1024;

/**
 * {@link sinkhornScalings}' iterations on the SIMD sweep kernel (sinkhornSweepWasm.ts; same updates,
 * the block copied into the kernel's memory once); false where WebAssembly SIMD is unavailable.
 */
function scaleOnKernel(
  muS: Numbers,
  muT: Numbers,
  kernel: Float64Array,
  n: number,
  m: number,
  transposed: boolean,
  iterations: number,
  a: Float64Array,
  b: Float64Array,
  os: number,
  ot: number,
  ok: number,
  sumS: number,
  sumT: number,
): boolean {
  const sweep = transposed ? sinkhornSweep(kernel, ok, m, n) : sinkhornSweep(kernel, ok, n, m);
  if (sweep === null) return false;
  const { v, t, w, acc } = sweep;
  if (!transposed) {
    // rows = the a side: w = a, v = b
    for (let i = 0; i < n; i++) t[i] = muS[os + i]! / sumS;
    v.fill(1);
    for (let it = 0; it < iterations; it++) {
      sweep.run(true);
      divideInto(v, muT, ot, sumT, acc, m);
    }
    a.set(w);
    b.set(v);
    return true;
  }
  // rows = the b side: w = b, v = a; the first a from the column sums of Kᵀ (K·1)
  const colSums = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    const o = ok + j * n;
    for (let i = 0; i < n; i++) colSums[i]! += kernel[o + i]!;
  }
  divideInto(v, muS, os, sumS, colSums, n);
  for (let j = 0; j < m; j++) t[j] = muT[ot + j]! / sumT;
  for (let it = 0; it < iterations; it++) {
    const last = it === iterations - 1;
    sweep.run(!last);
    if (!last) divideInto(v, muS, os, sumS, acc, n);
  }
  a.set(v);
  b.set(w);
  return true;
}

/**
 * One transport plan over raw row-major arrays: μ_s (n values from `muSOffset`), μ_t (m values from
 * `muTOffset`), cost (n·m values from `costOffset`) → Π written to `out` (n·m values from `outOffset`,
 * a new Float64Array when omitted): K = exp(−C/ε) into `out` (core's `expInPlace`, once), then
 * {@link sinkhornScalings} on it and Π = diag(a)·K·diag(b) in place. Allocates only two vectors of n
 * and m floats. The rule is in the file header; arguments are not checked (see {@link sinkhorn} for
 * the checked tensor version).
 */
export function sinkhornPlan(
  muS: Numbers,
  muT: Numbers,
  cost: Numbers,
  n: number,
  m: number,
  options: SinkhornOptions = {},
  out: Float64Array = new Float64Array(n * m),
  offsets: SinkhornOffsets = {},
): Float64Array {
  const eps = options.eps ?? 0.05;
  const iterations = options.iterations ?? 3;
  const oc = offsets.cost ?? 0;
  const oo = offsets.out ?? 0;
  const inv = -1 / eps;
  for (let q = 0; q < n * m; q++) out[oo + q] = cost[oc + q]! * inv;
  expInPlace(out, oo, n * m); // K = exp(−C/ε), vectorised (ops/expWasm.ts)
  const a = new Float64Array(n);
  const b = new Float64Array(m);
  sinkhornScalings(muS, muT, out, n, m, false, iterations, a, b, {
    muS: offsets.muS ?? 0,
    muT: offsets.muT ?? 0,
    kernel: oo,
  });
  for (let i = 0; i < n; i++) {
    const row = oo + i * m;
    const ai = a[i]!;
    for (let j = 0; j < m; j++) out[row + j] = ai * out[row + j]! * b[j]!;
  }
  return out;
}

/**
 * Batched Sinkhorn transport plans (rule in the file header): `muS` [..., N], `muT` [..., M],
 * `cost` [..., N, M] → Π [..., N, M] in float64. Marginals must be non-negative with a positive sum.
 *
 * @throws InputError naming the argument when shapes disagree or values are not finite.
 */
export function sinkhorn(
  muS: Tensor,
  muT: Tensor,
  cost: Tensor,
  options: SinkhornOptions = {},
): Tensor<Float64Array> {
  if (cost === null || typeof cost !== 'object' || !Array.isArray(cost.dims) || cost.dims.length < 2) {
    throw new InputError('cost', 'expected a tensor of shape [...,N,M]');
  }
  const lead = cost.dims.slice(0, -2).map((_, i) => `L${i}`);
  const sizes: Record<string, number> = {};
  expectShape('cost', cost, [...lead, 'N', 'M'], sizes);
  expectShape('muS', muS, [...lead, 'N'], sizes);
  expectShape('muT', muT, [...lead, 'M'], sizes);
  expectFinite('muS', muS.data);
  expectFinite('muT', muT.data);
  expectFinite('cost', cost.data);
  checkMarginal('muS', muS.data, sizes.N!);
  checkMarginal('muT', muT.data, sizes.M!);
  const eps = options.eps ?? 0.05;
  const iterations = options.iterations ?? 3;
  if (!(eps > 0)) throw new InputError('options.eps', `must be > 0, got ${eps}`);
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new InputError('options.iterations', `must be a non-negative integer, got ${iterations}`);
  }
  const n = sizes.N!;
  const m = sizes.M!;
  const batches = sizeOf(cost.dims.slice(0, -2));
  const out = new Float64Array(batches * n * m);
  for (let q = 0; q < batches; q++) {
    sinkhornPlan(muS.data, muT.data, cost.data, n, m, { eps, iterations }, out, {
      muS: q * n,
      muT: q * m,
      cost: q * n * m,
      out: q * n * m,
    });
  }
  return { data: out, dims: [...cost.dims] };
}

/** Non-negative values with a positive sum in every block of `length` (one marginal per batch entry). */
function checkMarginal(name: string, data: FloatArray, length: number): void {
  for (let start = 0; start < data.length; start += length) {
    let sum = 0;
    for (let i = start; i < start + length; i++) {
      if (data[i]! < 0)
        throw new InputError(name, `value ${i} is ${data[i]} (marginals must be non-negative)`);
      sum += data[i]!;
    }
    if (!(sum > 0))
      throw new InputError(name, `marginal ${start / length} sums to ${sum} (expected a positive sum)`);
  }
}
