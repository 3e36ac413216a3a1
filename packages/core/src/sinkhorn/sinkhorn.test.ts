import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { sinkhorn, sinkhornPlan, sinkhornScalings } from './index.js';
import { sinkhornSweep } from './sinkhornSweepWasm.js';

const t = (values: number[], dims: number[]) => ({ data: Float64Array.from(values), dims });

describe('sinkhorn', () => {
  it('gives the hand-checked plan of METHODS.md (columns exact)', () => {
    const cos = [1, 0.5, 0.5, 1];
    const plan = sinkhorn(
      t([1, 2], [2]),
      t([2, 1], [2]),
      t(
        cos.map((c) => 1 - c),
        [2, 2],
      ),
      { eps: 0.05, iterations: 3 },
    );
    expect(plan.dims).toEqual([2, 2]);
    const [p00, p01, p10, p11] = plan.data;
    expect(p00).toBeCloseTo(0.665701, 6);
    expect(p01).toBeCloseTo(0, 6);
    expect(p10).toBeCloseTo(0.000966, 6);
    expect(p11).toBeCloseTo(0.333333, 6);
    expect(p00! + p10!).toBeCloseTo(2 / 3, 15);
    expect(p01! + p11!).toBeCloseTo(1 / 3, 15);
  });

  it('converges to both marginals with enough iterations, batch by batch', () => {
    const n = 3;
    const m = 4;
    const cost = Array.from({ length: 2 * n * m }, (_, q) => Math.abs(Math.sin(q * 1.7)));
    const muS = [1, 2, 3, 3, 1, 1];
    const muT = [1, 1, 1, 1, 4, 3, 2, 1];
    const plan = sinkhorn(t(muS, [2, n]), t(muT, [2, m]), t(cost, [2, n, m]), { eps: 0.5, iterations: 500 });
    for (let q = 0; q < 2; q++) {
      const sumS = muS.slice(q * n, q * n + n).reduce((a, b) => a + b);
      const sumT = muT.slice(q * m, q * m + m).reduce((a, b) => a + b);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += plan.data[q * n * m + i * m + j]!;
        expect(s).toBeCloseTo(muS[q * n + i]! / sumS, 10);
      }
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += plan.data[q * n * m + i * m + j]!;
        expect(s).toBeCloseTo(muT[q * m + j]! / sumT, 12);
      }
    }
  });

  it('scales a precomputed kernel, stored as K or as Kᵀ, to the plan of sinkhornPlan', () => {
    const n = 5;
    const m = 7;
    const cost = Array.from({ length: n * m }, (_, q) => 0.3 * Math.abs(Math.sin(q * 2.3)));
    const muS = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const muT = Array.from({ length: m }, (_, j) => 2 + Math.cos(j));
    const opts = { eps: 0.1, iterations: 4 };
    const plan = sinkhornPlan(muS, muT, cost, n, m, opts);
    const kernel = Float64Array.from(cost, (c) => Math.exp(-c / opts.eps));
    const kernelT = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) kernelT[j * n + i] = kernel[i * m + j]!;
    for (const [k, transposed] of [
      [kernel, false],
      [kernelT, true],
    ] as const) {
      // at offsets: the kernel 3 values in, the marginals 2 and 1 values in
      const stored = new Float64Array(3 + n * m);
      stored.set(k, 3);
      const a = new Float64Array(n);
      const b = new Float64Array(m);
      sinkhornScalings([0, 0, ...muS], [9, ...muT], stored, n, m, transposed, opts.iterations, a, b, {
        muS: 2,
        muT: 1,
        kernel: 3,
      });
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++)
          expect(a[i]! * kernel[i * m + j]! * b[j]!).toBeCloseTo(plan[i * m + j]!, 14);
    }
  });

  it('gives the naive iteration scalings on the SIMD sweep sizes (odd widths, K and Kᵀ)', () => {
    expect(sinkhornSweep(new Float64Array(6), 0, 2, 3)).not.toBeNull(); // node 20 has WebAssembly SIMD
    for (const [n, m] of [
      [40, 37],
      [33, 64],
    ] as const) {
      const kernel = Float64Array.from({ length: n * m }, (_, q) =>
        Math.exp(-4 * Math.abs(Math.sin(q * 0.7))),
      );
      const kernelT = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) kernelT[j * n + i] = kernel[i * m + j]!;
      const muS = Array.from({ length: n }, (_, i) => 1 + (i % 5));
      const muT = Array.from({ length: m }, (_, j) => 1.5 + Math.sin(j));
      const sumS = muS.reduce((x, y) => x + y);
      const sumT = muT.reduce((x, y) => x + y);
      // the rule, one value at a time
      const ra = muS.map((v) => v / sumS);
      const rb = new Array<number>(m).fill(1);
      for (let it = 0; it < 3; it++) {
        for (let i = 0; i < n; i++) {
          let d = 0;
          for (let j = 0; j < m; j++) d += kernel[i * m + j]! * rb[j]!;
          ra[i] = muS[i]! / sumS / d;
        }
        for (let j = 0; j < m; j++) {
          let d = 0;
          for (let i = 0; i < n; i++) d += kernel[i * m + j]! * ra[i]!;
          rb[j] = muT[j]! / sumT / d;
        }
      }
      for (const [k, transposed] of [
        [kernel, false],
        [kernelT, true],
      ] as const) {
        const a = new Float64Array(n);
        const b = new Float64Array(m);
        sinkhornScalings(muS, muT, k, n, m, transposed, 3, a, b);
        for (let i = 0; i < n; i++) expect(Math.abs(a[i]! / ra[i]! - 1)).toBeLessThan(1e-13);
        for (let j = 0; j < m; j++) expect(Math.abs(b[j]! / rb[j]! - 1)).toBeLessThan(1e-13);
      }
    }
  });

  it('names the argument at fault', () => {
    expect(() => sinkhorn(t([1, 2, 3], [3]), t([1, 1], [2]), t([0, 0, 0, 0], [2, 2]))).toThrow(
      'muS: has dims [3], expected [N=2]',
    );
    expect(() => sinkhorn(t([1, Number.NaN], [2]), t([1, 1], [2]), t([0, 0, 0, 0], [2, 2]))).toThrow(
      InputError,
    );
    expect(() => sinkhorn(t([1, -1], [2]), t([1, 1], [2]), t([0, 0, 0, 0], [2, 2]))).toThrow(
      'muS: value 1 is -1',
    );
    expect(() => sinkhorn(t([1, 1], [2]), t([1, 1], [2]), t([0, 0], [2]))).toThrow('cost: expected');
    expect(() =>
      sinkhorn(t([1, 1, 0, 0], [2, 2]), t([1, 1, 1, 1], [2, 2]), t(new Array(8).fill(0), [2, 2, 2])),
    ).toThrow('muS: marginal 1 sums to 0 (expected a positive sum)');
    expect(() => sinkhorn(t([1, 1], [2]), t([1, 1], [2]), t([0, 0, 0, 0], [2, 2]), { eps: 0 })).toThrow(
      'options.eps: must be > 0',
    );
  });
});
