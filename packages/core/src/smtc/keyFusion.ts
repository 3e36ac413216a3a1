/**
 * SMTC's temporal key fusion (METHODS.md §3; `calculate_transport` of shvdiwnkozbw/SMTC):
 *
 *   K̃_{t−1} = bilinear resize of frame t−1's keys to the fusion grid h̃×w̃ (align_corners = False,
 *            no antialias — `F.interpolate(k, size, mode="bilinear")`); frame 0 uses frame T−1
 *            (`torch.roll(…, 1)` over the clip: cyclic)
 *   C_t[n̄, m] = Σ_c K̃_{t−1}[n̄, c]·K_t[m, c]          (raw dot products, [h̃w̃, N])
 *   K_fused[m, c] = K_t[m, c] + Σ_n̄ W[c, n̄]·C_t[n̄, m] + b[c]   (Conv1d h̃w̃ → D, kernel 1)
 *
 * Keys are token-major [T, N, D] on an h×w grid (N = h·w, row-major).
 */
import { InputError } from '../errors/InputError.js';
import { resizeBilinear } from '../image/resize.js';
import { expectFinite, expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import type { SmtcWeights } from './smtcWeights.js';

/** Token grid of the keys. */
export interface TokenGrid {
  readonly height: number;
  readonly width: number;
}

/** Fuse the keys of one clip, keys [T, N, D] (rule in the file header) → [T, N, D] float64. */
export function fuseKeys(keys: Tensor, grid: TokenGrid, weights: SmtcWeights): Tensor<Float64Array> {
  const { dim: d, fusionHeight: fh, fusionWidth: fw } = weights.config;
  const sizes: Record<string, number> = {};
  expectShape('keys', keys, ['T', grid.height * grid.width, d], sizes);
  expectFinite('keys', keys.data);
  const t = sizes.T!;
  if (t === 0) throw new InputError('keys', 'holds no frames (T = 0)');
  const n = grid.height * grid.width;
  const f = fh * fw;
  // Previous frames resized to the fusion grid, token-major [T, f, D].
  const small = new Float64Array(t * f * d);
  const planar = new Float64Array(d * n);
  for (let i = 0; i < t; i++) {
    const base = i * n * d;
    for (let m = 0; m < n; m++) for (let c = 0; c < d; c++) planar[c * n + m] = keys.data[base + m * d + c]!;
    const resized = resizeBilinear(planar, d, grid.height, grid.width, fh, fw);
    for (let c = 0; c < d; c++) for (let q = 0; q < f; q++) small[(i * f + q) * d + c] = resized[c * f + q]!;
  }
  const w = weights.transport.weight.data;
  const b = weights.transport.bias!.data;
  const out = new Float64Array(t * n * d);
  const corr = new Float64Array(f);
  for (let i = 0; i < t; i++) {
    const prev = ((i - 1 + t) % t) * f * d;
    const base = i * n * d;
    for (let m = 0; m < n; m++) {
      const km = base + m * d;
      for (let q = 0; q < f; q++) {
        let s = 0;
        const pq = prev + q * d;
        for (let c = 0; c < d; c++) s += small[pq + c]! * keys.data[km + c]!;
        corr[q] = s;
      }
      for (let c = 0; c < d; c++) {
        let s = b[c]!;
        const wr = c * f;
        for (let q = 0; q < f; q++) s += w[wr + q]! * corr[q]!;
        out[km + c] = keys.data[km + c]! + s;
      }
    }
  }
  return { data: out, dims: [t, n, d] };
}
