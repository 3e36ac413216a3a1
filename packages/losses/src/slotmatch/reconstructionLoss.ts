import type { Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';

/**
 * L_rec of SlotContrast (METHODS.md §1; martius-lab/slotcontrast `MSELoss` on the decoder's feature
 * reconstruction): the mean over every element of (recon − target)².
 *
 *   value = (1/n)·Σ (r − t)²,   ∂/∂recon = 2(r − t)/n,   ∂/∂target = −2(r − t)/n
 *
 * `recon` and `target` any equal shape (e.g. [B, T, P, D]). One pass: the sum in float64, each gradient
 * stored in its input's type ({@link gradientLike}).
 */
export function reconstructionLoss(recon: Tensor, target: Tensor): LossResult<'recon' | 'target'> {
  const sizes: Record<string, number> = {};
  expectInput(
    'recon',
    recon,
    recon.dims.map((_, i) => `D${i}`),
    sizes,
  );
  expectInput(
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
  let s = 0;
  const k = 2 / n;
  for (let i = 0; i < n; i++) {
    const d = r[i]! - t[i]!;
    s += d * d;
    const g = k * d;
    gr[i] = g;
    gt[i] = -g;
  }
  return {
    value: s / n,
    grads: { recon: { data: gr, dims: [...recon.dims] }, target: { data: gt, dims: [...target.dims] } },
  };
}
