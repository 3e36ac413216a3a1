import { expectShape, type Tensor } from '@slotmatch/core';
import { expectFiniteUnless } from '../common/checks.js';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';

/**
 * L_rec of SlotContrast (METHODS.md §1; martius-lab/slotcontrast `MSELoss` on the decoder's feature
 * reconstruction): the mean over every element of (recon − target)².
 *
 *   value = (1/n)·Σ (r − t)²,   ∂/∂recon = 2(r − t)/n,   ∂/∂target = −2(r − t)/n
 *
 * `recon` and `target` any equal shape (e.g. [B, T, P, D]). One pass: the sum in float64, each gradient
 * stored in its input's type ({@link gradientLike}); the finiteness of the inputs follows from that of the
 * sum ({@link expectFiniteUnless}).
 */
export function reconstructionLoss(recon: Tensor, target: Tensor): LossResult<'recon' | 'target'> {
  const sizes: Record<string, number> = {};
  expectShape(
    'recon',
    recon,
    recon.dims.map((_, i) => `D${i}`),
    sizes,
  );
  expectShape(
    'target',
    target,
    recon.dims.map((_, i) => `D${i}`),
    sizes,
  );
  const r = recon.data;
  const t = target.data;
  const n = r.length;
  const gr = gradientLike(r, n);
  const gt = gradientLike(t, n);
  // Four partial sums (no loop-carried add chain), then the tail.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const k = 2 / n;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    const d0 = r[i]! - t[i]!;
    const d1 = r[i + 1]! - t[i + 1]!;
    const d2 = r[i + 2]! - t[i + 2]!;
    const d3 = r[i + 3]! - t[i + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
    gr[i] = k * d0;
    gr[i + 1] = k * d1;
    gr[i + 2] = k * d2;
    gr[i + 3] = k * d3;
    gt[i] = -k * d0;
    gt[i + 1] = -k * d1;
    gt[i + 2] = -k * d2;
    gt[i + 3] = -k * d3;
  }
  for (let i = n4; i < n; i++) {
    const d = r[i]! - t[i]!;
    s0 += d * d;
    gr[i] = k * d;
    gt[i] = -k * d;
  }
  const s = s0 + s1 + s2 + s3;
  // Any NaN/±∞ in either input makes s non-finite; only then are the inputs scanned for the error.
  expectFiniteUnless(s, [
    ['recon', recon],
    ['target', target],
  ]);
  return {
    value: s / n,
    grads: { recon: { data: gr, dims: [...recon.dims] }, target: { data: gt, dims: [...target.dims] } },
  };
}
