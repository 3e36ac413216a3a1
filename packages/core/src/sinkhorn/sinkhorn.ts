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

/** Options of {@link sinkhorn} and {@link sinkhornPlan}. */
export interface SinkhornOptions {
  /** Entropic regularisation ε (default 0.05, SMTC). */
  readonly eps?: number;
  /** Number of (a, b) update pairs (default 3, SMTC). */
  readonly iterations?: number;
}

type Numbers = ArrayLike<number>;

/**
 * One transport plan over raw row-major arrays: μ_s (n values from `muSOffset`), μ_t (m values from
 * `muTOffset`), cost (n·m values from `costOffset`) → Π written to `out` (n·m values from `outOffset`,
 * a new Float64Array when omitted). Allocates only two vectors of n and m floats. The rule is in the
 * file header; arguments are not checked (see {@link sinkhorn} for the checked tensor version).
 */
export function sinkhornPlan(
  muS: Numbers,
  muT: Numbers,
  cost: Numbers,
  n: number,
  m: number,
  options: SinkhornOptions = {},
  out: Float64Array = new Float64Array(n * m),
  offsets: { muS?: number; muT?: number; cost?: number; out?: number } = {},
): Float64Array {
  const eps = options.eps ?? 0.05;
  const iterations = options.iterations ?? 3;
  const os = offsets.muS ?? 0;
  const ot = offsets.muT ?? 0;
  const oc = offsets.cost ?? 0;
  const oo = offsets.out ?? 0;
  let sumS = 0;
  for (let i = 0; i < n; i++) sumS += muS[os + i]!;
  let sumT = 0;
  for (let j = 0; j < m; j++) sumT += muT[ot + j]!;
  const a = new Float64Array(n);
  const b = new Float64Array(m).fill(1);
  for (let i = 0; i < n; i++) a[i] = muS[os + i]! / sumS;
  const inv = -1 / eps;
  for (let q = 0; q < n * m; q++) out[oo + q] = cost[oc + q]! * inv;
  expInPlace(out, oo, n * m); // K = exp(−C/ε), vectorised (ops/expWasm.ts)
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      const row = oo + i * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += out[row + j]! * b[j]!;
      a[i] = muS[os + i]! / sumS / s;
    }
    b.fill(0);
    for (let i = 0; i < n; i++) {
      const row = oo + i * m;
      const ai = a[i]!;
      for (let j = 0; j < m; j++) b[j]! += out[row + j]! * ai;
    }
    for (let j = 0; j < m; j++) b[j] = muT[ot + j]! / sumT / b[j]!;
  }
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
