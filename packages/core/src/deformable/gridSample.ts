/**
 * Bilinear sampling of a map [C, H, W] at Q points given in normalised coordinates (x, y) ∈ [−1, 1]
 * (x along the width), zero padding — PyTorch's
 * `F.grid_sample(map, grid, mode="bilinear", padding_mode="zeros", align_corners=…)` — and its
 * gradients with respect to the map and the points.
 *
 * Coordinate conventions (both offered, `alignCorners`):
 *   - `false` (default, half-pixel): −1 and 1 are the outer *edges* of the border pixels:
 *       ix = ((x + 1)·W − 1) / 2,  iy = ((y + 1)·H − 1) / 2
 *   - `true`: −1 and 1 are the *centres* of the border pixels (DAT's deformable attention):
 *       ix = (x + 1)/2·(W − 1),    iy = (y + 1)/2·(H − 1)
 * then with x₀ = ⌊ix⌋, y₀ = ⌊iy⌋, λ = ix − x₀, μ = iy − y₀:
 *   out[c, q] = Σ_{a,b∈{0,1}} (a ? λ : 1 − λ)(b ? μ : 1 − μ)·map[c, y₀ + b, x₀ + a]
 * with map = 0 outside [0, H) × [0, W). The gradient w.r.t. a point is the derivative of that
 * expression in (ix, iy) (one-sided at integer positions, as torch), times dix/dx = W/2 or (W − 1)/2.
 * Source: aten/src/ATen/native/GridSampler.h (`grid_sampler_compute_source_index`).
 */
import { expectFinite, expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Options of the sampling functions. */
export interface GridSampleOptions {
  /** Coordinate convention (file header); default false (half-pixel, torch's default). */
  readonly alignCorners?: boolean;
}

/** Gradients of {@link gridSampleBackward}. */
export interface GridSampleGradients {
  /** ∂L/∂map [C, H, W]. */
  readonly gradMap: Tensor<Float64Array>;
  /** ∂L/∂points [Q, 2] (x, y). */
  readonly gradPoints: Tensor<Float64Array>;
}

interface Corner {
  x0: number;
  y0: number;
  lx: number;
  ly: number;
}

function sourceIndex(g: number, size: number, alignCorners: boolean): number {
  return alignCorners ? ((g + 1) / 2) * (size - 1) : ((g + 1) * size - 1) / 2;
}

function corner(x: number, y: number, h: number, w: number, alignCorners: boolean): Corner {
  const ix = sourceIndex(x, w, alignCorners);
  const iy = sourceIndex(y, h, alignCorners);
  const x0 = Math.floor(ix);
  const y0 = Math.floor(iy);
  return { x0, y0, lx: ix - x0, ly: iy - y0 };
}

function checkArgs(map: Tensor, points: Tensor, sizes: Record<string, number>): void {
  expectShape('map', map, ['C', 'H', 'W'], sizes);
  expectShape('points', points, ['Q', 2], sizes);
  expectFinite('points', points.data);
}

/** Sample `map` [C, H, W] at `points` [Q, 2] → [C, Q] (float64; rule in the file header). */
export function gridSample(
  map: Tensor,
  points: Tensor,
  options: GridSampleOptions = {},
): Tensor<Float64Array> {
  const sizes: Record<string, number> = {};
  checkArgs(map, points, sizes);
  const { C: c, H: h, W: w, Q: q } = sizes as { C: number; H: number; W: number; Q: number };
  const align = options.alignCorners === true;
  const out = new Float64Array(c * q);
  const m = map.data;
  for (let i = 0; i < q; i++) {
    const { x0, y0, lx, ly } = corner(points.data[2 * i]!, points.data[2 * i + 1]!, h, w, align);
    for (let b = 0; b < 2; b++) {
      const y = y0 + b;
      if (y < 0 || y >= h) continue;
      const wy = b === 1 ? ly : 1 - ly;
      for (let a = 0; a < 2; a++) {
        const x = x0 + a;
        if (x < 0 || x >= w) continue;
        const wt = wy * (a === 1 ? lx : 1 - lx);
        for (let ch = 0; ch < c; ch++) out[ch * q + i]! += wt * m[(ch * h + y) * w + x]!;
      }
    }
  }
  return { data: out, dims: [c, q] };
}

/**
 * Gradients of L = Σ gradOutput ⊙ gridSample(map, points) w.r.t. the map and the points,
 * gradOutput [C, Q] (rule in the file header).
 */
export function gridSampleBackward(
  map: Tensor,
  points: Tensor,
  gradOutput: Tensor,
  options: GridSampleOptions = {},
): GridSampleGradients {
  const sizes: Record<string, number> = {};
  checkArgs(map, points, sizes);
  expectShape('gradOutput', gradOutput, ['C', 'Q'], sizes);
  const { C: c, H: h, W: w, Q: q } = sizes as { C: number; H: number; W: number; Q: number };
  const align = options.alignCorners === true;
  const sx = align ? (w - 1) / 2 : w / 2;
  const sy = align ? (h - 1) / 2 : h / 2;
  const gradMap = new Float64Array(c * h * w);
  const gradPoints = new Float64Array(q * 2);
  const m = map.data;
  const go = gradOutput.data;
  const value = (ch: number, y: number, x: number) =>
    y < 0 || y >= h || x < 0 || x >= w ? 0 : m[(ch * h + y) * w + x]!;
  for (let i = 0; i < q; i++) {
    const { x0, y0, lx, ly } = corner(points.data[2 * i]!, points.data[2 * i + 1]!, h, w, align);
    let gx = 0;
    let gy = 0;
    for (let ch = 0; ch < c; ch++) {
      const g = go[ch * q + i]!;
      if (g === 0) continue;
      const v00 = value(ch, y0, x0);
      const v01 = value(ch, y0, x0 + 1);
      const v10 = value(ch, y0 + 1, x0);
      const v11 = value(ch, y0 + 1, x0 + 1);
      gx += g * ((1 - ly) * (v01 - v00) + ly * (v11 - v10));
      gy += g * ((1 - lx) * (v10 - v00) + lx * (v11 - v01));
      for (let b = 0; b < 2; b++) {
        const y = y0 + b;
        if (y < 0 || y >= h) continue;
        const wy = b === 1 ? ly : 1 - ly;
        for (let a = 0; a < 2; a++) {
          const x = x0 + a;
          if (x < 0 || x >= w) continue;
          gradMap[(ch * h + y) * w + x]! += g * wy * (a === 1 ? lx : 1 - lx);
        }
      }
    }
    gradPoints[2 * i] = gx * sx;
    gradPoints[2 * i + 1] = gy * sy;
  }
  return { gradMap: { data: gradMap, dims: [c, h, w] }, gradPoints: { data: gradPoints, dims: [q, 2] } };
}
