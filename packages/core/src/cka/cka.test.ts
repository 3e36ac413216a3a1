import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CkaWorkspace, cka, ckaMatrices } from './index.js';

/** Deterministic pseudo-random values in [-1, 1). */
function values(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** A random d×d orthogonal matrix (Gram–Schmidt on random columns). */
function orthogonal(d: number, seed: number): Float64Array {
  const m = values(d * d, seed);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let p = 0;
      for (let i = 0; i < d; i++) p += m[i * d + j]! * m[i * d + k]!;
      for (let i = 0; i < d; i++) m[i * d + j]! -= p * m[i * d + k]!;
    }
    let nrm = 0;
    for (let i = 0; i < d; i++) nrm += m[i * d + j]! ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < d; i++) m[i * d + j]! /= nrm;
  }
  return m;
}

function times(x: Float64Array, n: number, d: number, r: Float64Array): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) out[i * d + j]! += x[i * d + k]! * r[k * d + j]!;
  return out;
}

describe('cka', () => {
  it('is 1 for a matrix with itself and with 2X (METHODS.md)', () => {
    const x = values(30 * 5, 7);
    expect(cka({ data: x, dims: [30, 5] }, { data: x, dims: [30, 5] }).data[0]).toBeCloseTo(1, 14);
    const x2 = x.map((v) => 2 * v);
    expect(cka({ data: x, dims: [30, 5] }, { data: x2, dims: [30, 5] }).data[0]).toBeCloseTo(1, 14);
  });

  it('is invariant to orthogonal transforms and isotropic scaling of either argument (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 4, max: 24 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (seed, n, d, scale) => {
          const x = values(n * d, seed);
          const y = values(n * 3, seed + 1);
          const base = cka({ data: y, dims: [n, 3] }, { data: x, dims: [n, d] }).data[0]!;
          const xr = times(x, n, d, orthogonal(d, seed + 2)).map((v) => v * scale);
          const moved = cka({ data: y, dims: [n, 3] }, { data: xr, dims: [n, d] }).data[0]!;
          expect(moved).toBeCloseTo(base, 10);
          expect(base).toBeGreaterThanOrEqual(-1e-12);
          expect(base).toBeLessThanOrEqual(1 + 1e-12);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('batches over leading dims and is symmetric', () => {
    const x = values(2 * 3 * 10 * 4, 3);
    const y = values(2 * 3 * 10 * 6, 4);
    const r = cka({ data: x, dims: [2, 3, 10, 4] }, { data: y, dims: [2, 3, 10, 6] });
    const s = cka({ data: y, dims: [2, 3, 10, 6] }, { data: x, dims: [2, 3, 10, 4] });
    expect(r.dims).toEqual([2, 3]);
    for (let q = 0; q < 6; q++) expect(r.data[q]).toBeCloseTo(s.data[q]!, 14);
  });

  it('has the gradient of its finite differences', () => {
    const n = 7;
    const dx = 3;
    const dy = 4;
    const x = values(n * dx, 11);
    const y = values(n * dy, 12);
    const work = new CkaWorkspace(n, dx, dy);
    const gx = new Float64Array(n * dx);
    const gy = new Float64Array(n * dy);
    ckaMatrices(x, 0, y, 0, work, { x: gx, y: gy, scale: 1 });
    const h = 1e-6;
    for (const [m, g] of [
      [x, gx],
      [y, gy],
    ] as const) {
      for (let q = 0; q < m.length; q++) {
        const keep = m[q]!;
        m[q] = keep + h;
        const up = ckaMatrices(x, 0, y, 0, work);
        m[q] = keep - h;
        const down = ckaMatrices(x, 0, y, 0, work);
        m[q] = keep;
        expect(g[q]).toBeCloseTo((up - down) / (2 * h), 7);
      }
    }
  });

  it('accumulates a centred gradient at offsets on the SIMD-kernel sizes (no centring backward needed)', () => {
    // 40×12 and 40×9 blocks: every product has m·n·k ≥ 2¹¹, so the gemm kernel path runs.
    const n = 40;
    const dx = 12;
    const dy = 9;
    const x = values(2 * n * dx, 21);
    const y = values(2 * n * dy, 22);
    const work = new CkaWorkspace(n, dx, dy);
    const gx = new Float64Array(2 * n * dx).fill(0.5);
    const gy = new Float64Array(2 * n * dy).fill(-0.25);
    const scale = -0.75;
    ckaMatrices(x, n * dx, y, n * dy, work, { x: gx, y: gy, xOffset: n * dx, yOffset: n * dy, scale });
    // The first blocks are untouched; the second ones get 0.5 / −0.25 + scale·∂CKA/∂·.
    for (let q = 0; q < n * dx; q++) expect(gx[q]).toBe(0.5);
    for (let q = 0; q < n * dy; q++) expect(gy[q]).toBe(-0.25);
    const h = 1e-6;
    for (const [m, g, d, base] of [
      [x, gx, dx, 0.5],
      [y, gy, dy, -0.25],
    ] as const) {
      let largest = 0;
      for (let q = n * d; q < 2 * n * d; q++) largest = Math.max(largest, Math.abs(g[q]! - base));
      // 1ᵀ(∂CKA/∂X) = 0: a constant added to a column leaves CKA unchanged.
      for (let j = 0; j < d; j++) {
        let sum = 0;
        for (let r = 0; r < n; r++) sum += g[n * d + r * d + j]! - base;
        expect(Math.abs(sum)).toBeLessThan(1e-12 * largest * n);
      }
      for (let q = n * d; q < 2 * n * d; q += 7) {
        const keep = m[q]!;
        m[q] = keep + h;
        const up = ckaMatrices(x, n * dx, y, n * dy, work);
        m[q] = keep - h;
        const down = ckaMatrices(x, n * dx, y, n * dy, work);
        m[q] = keep;
        expect(g[q]! - base).toBeCloseTo((scale * (up - down)) / (2 * h), 7);
      }
    }
  });

  it('names the argument at fault', () => {
    expect(() =>
      cka({ data: new Float64Array(6), dims: [3, 2] }, { data: new Float64Array(8), dims: [4, 2] }),
    ).toThrow('y: has dims [4,2], expected [N=3,Dy]');
    expect(() =>
      cka({ data: new Float64Array(3), dims: [3] }, { data: new Float64Array(3), dims: [3, 1] }),
    ).toThrow('x: expected a tensor of shape [...,N,Dx]');
  });
});
