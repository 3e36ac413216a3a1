/**
 * Dense matrix product with float64 accumulation: out[i, j] = Σ_k a[i, k]·b[k, j]
 * (or Σ_k a[i, k]·b[j, k] with `transposeB`, i.e. a·bᵀ). Row-major throughout.
 */
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Treat `b` as [N, K] and multiply by its transpose (default false). */
  readonly transposeB?: boolean;
}

/** a [M, K] · b [K, N] → [M, N] (float64); rule in the file header. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor<Float64Array> {
  const sizes: Record<string, number> = {};
  expectShape('matmul a', a, ['M', 'K'], sizes);
  const transposeB = options.transposeB === true;
  expectShape('matmul b', b, transposeB ? ['N', 'K'] : ['K', 'N'], sizes);
  const m = sizes.M!;
  const k = sizes.K!;
  const n = sizes.N!;
  const out = new Float64Array(m * n);
  const ad = a.data;
  const bd = b.data;
  if (transposeB) {
    for (let i = 0; i < m; i++) {
      const ar = i * k;
      for (let j = 0; j < n; j++) {
        const br = j * k;
        let s = 0;
        for (let q = 0; q < k; q++) s += ad[ar + q]! * bd[br + q]!;
        out[i * n + j] = s;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ar = i * k;
      const or = i * n;
      for (let q = 0; q < k; q++) {
        const v = ad[ar + q]!;
        if (v === 0) continue;
        const br = q * n;
        for (let j = 0; j < n; j++) out[or + j]! += v * bd[br + j]!;
      }
    }
  }
  return { data: out, dims: [m, n] };
}
