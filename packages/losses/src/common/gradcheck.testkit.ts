/**
 * Test helpers (not exported by the package): deterministic random tensors and a central
 * finite-difference check of a loss's analytic gradient.
 */
import type { Tensor } from '@slotmatch/core';
import { expect } from 'vitest';

/** Deterministic normal-ish values (sum of three mulberry32 uniforms) from a seed, as a float64 tensor. */
export function randomTensor(dims: number[], seed: number, scale = 1): Tensor<Float64Array> {
  let n = 1;
  for (const d of dims) n *= d;
  const data = new Float64Array(n);
  let a = seed | 0;
  const next = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < n; i++) data[i] = (next() + next() + next() - 1.5) * 2 * scale;
  return { data, dims };
}

/**
 * Compare `grad` (∂f/∂x) with central differences (f(x + h·e_i) − f(x − h·e_i))/2h at `samples`
 * indices spread over x (all when x is smaller): |analytic − numeric| ≤ tol·max(1, |numeric|)·scale,
 * where scale = max |numeric| over the checked indices (an absolute floor for tiny entries).
 */
export function expectGradient(
  f: () => number,
  x: Tensor<Float64Array>,
  grad: Tensor,
  options: { h?: number; tol?: number; samples?: number; name?: string } = {},
): void {
  const h = options.h ?? 1e-6;
  const tol = options.tol ?? 1e-6;
  const samples = Math.min(options.samples ?? 40, x.data.length);
  const step = x.data.length / samples;
  const numeric: number[] = [];
  const analytic: number[] = [];
  for (let k = 0; k < samples; k++) {
    const i = Math.floor(k * step);
    const keep = x.data[i]!;
    x.data[i] = keep + h;
    const up = f();
    x.data[i] = keep - h;
    const down = f();
    x.data[i] = keep;
    numeric.push((up - down) / (2 * h));
    analytic.push(grad.data[i]!);
  }
  const scale = Math.max(...numeric.map(Math.abs), 1e-12);
  for (let k = 0; k < samples; k++) {
    const err = Math.abs(analytic[k]! - numeric[k]!) / scale;
    expect(err, `${options.name ?? 'grad'} sample ${k}: ${analytic[k]} vs ${numeric[k]}`).toBeLessThanOrEqual(
      tol,
    );
  }
  // A gradient check that compares zeros with zeros proves nothing.
  expect(scale, `${options.name ?? 'grad'}: numeric gradient is identically zero`).toBeGreaterThan(1e-12);
}
