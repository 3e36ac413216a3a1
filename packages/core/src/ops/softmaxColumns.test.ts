import { describe, expect, it } from 'vitest';
import {
  ColumnSoftmax,
  softmaxColumns,
  softmaxColumnsBackward,
  softmaxColumnsKernelBytes,
} from './softmaxColumns.js';

const seq = (n: number, seed: number, scale = 3) =>
  Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * scale);

describe('softmaxColumns', () => {
  it('runs on a valid WebAssembly kernel', () => {
    expect(WebAssembly.validate(softmaxColumnsKernelBytes())).toBe(true);
  });
  it('reports whether every value it read was finite', () => {
    const x = seq(2 * 3 * 5 + 2, 1);
    const out = new Float64Array(30);
    expect(softmaxColumns(x, 1, 2, 3, 5, 1, out, 0)).toBe(true);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const at of [1, 17, 30]) {
        const y = x.slice();
        y[at] = bad;
        expect(softmaxColumns(y, 1, 2, 3, 5, 1, out, 0)).toBe(false);
      }
      const y = x.slice();
      y[0] = bad; // outside the blocks read
      y[31] = bad;
      expect(softmaxColumns(y, 1, 2, 3, 5, 1, out, 0)).toBe(true);
    }
  });
  for (const [blocks, rows, width] of [
    [1, 1, 1],
    [2, 3, 5],
    [3, 11, 8],
    [2, 4, 257],
  ] as const) {
    it(`equals exp(s·x − max)/Σ per column within 1e-14 (${blocks}×${rows}×${width}, offsets, float32 input)`, () => {
      const n = blocks * rows * width;
      const x = Float32Array.from(seq(n + 3, blocks + rows));
      const out = new Float64Array(n + 2).fill(7);
      softmaxColumns(x, 3, blocks, rows, width, 0.5, out, 1);
      expect(out[0]).toBe(7);
      expect(out[n + 1]).toBe(7);
      for (let b = 0; b < blocks; b++) {
        for (let c = 0; c < width; c++) {
          const col = Array.from({ length: rows }, (_, r) => 0.5 * x[3 + (b * rows + r) * width + c]!);
          const m = Math.max(...col);
          const sum = col.reduce((s, v) => s + Math.exp(v - m), 0);
          for (let r = 0; r < rows; r++) {
            const want = Math.exp(col[r]! - m) / sum;
            expect(Math.abs(out[1 + (b * rows + r) * width + c]! - want)).toBeLessThanOrEqual(1e-14 * want);
          }
        }
      }
    });
    it(`backward equals s·p·(g − Σ p·g) exactly (${blocks}×${rows}×${width}, float32 output rounded once)`, () => {
      const n = blocks * rows * width;
      const p = seq(n + 1, 5, 1);
      const g = seq(n + 2, 6, 2);
      const out = new Float64Array(n);
      const out32 = new Float32Array(n);
      softmaxColumnsBackward(p, 1, g, 2, blocks, rows, width, 1.5, out, 0);
      softmaxColumnsBackward(p, 1, g, 2, blocks, rows, width, 1.5, out32, 0);
      for (let b = 0; b < blocks; b++) {
        for (let c = 0; c < width; c++) {
          const at = (r: number) => (b * rows + r) * width + c;
          let dot = 0;
          for (let r = 0; r < rows; r++) dot += p[1 + at(r)]! * g[2 + at(r)]!;
          for (let r = 0; r < rows; r++) {
            const want = 1.5 * p[1 + at(r)]! * (g[2 + at(r)]! - dot);
            expect(out[at(r)]).toBe(want);
            expect(out32[at(r)]).toBe(Math.fround(want));
          }
        }
      }
    });
  }
});

describe('ColumnSoftmax', () => {
  it('keeps each slot’s p and g in place between forward and backward, as softmaxColumns(Backward) with copies', () => {
    const [blocks, rows, width] = [2, 3, 13];
    const n = blocks * rows * width;
    const xs = [Float32Array.from(seq(n + 1, 1)), Float64Array.from(seq(n, 2))];
    const offsets = [1, 0];
    const gs = [seq(n, 3), seq(n, 4)];
    // the references first: softmaxColumns(Backward) reuse the memory of a ColumnSoftmax
    const ps = [0, 1].map((slot) => {
      const p = new Float64Array(n);
      softmaxColumns(xs[slot]!, offsets[slot]!, blocks, rows, width, 0.7, p, 0);
      return p;
    });
    const wants = [0, 1].map((slot) => {
      const want = new Float64Array(n);
      softmaxColumnsBackward(ps[slot]!, 0, gs[slot]!, 0, blocks, rows, width, 0.7, want, 0);
      return want;
    });
    const sm = new ColumnSoftmax(blocks, rows, width, 2);
    expect(sm.stride % 4).toBe(0);
    expect(sm.stride).toBeGreaterThanOrEqual(width);
    // stale pad columns in g (e.g. from an earlier use of the memory) do not matter
    sm.values.fill(Number.NaN, sm.gOffset(1), sm.gOffset(1) + blocks * rows * sm.stride);
    for (const slot of [0, 1]) expect(sm.forward(slot, xs[slot]!, offsets[slot]!, 0.7)).toBe(true);
    const v = sm.values;
    for (const slot of [0, 1])
      for (let l = 0; l < blocks * rows; l++)
        for (let c = 0; c < width; c++) {
          expect(v[sm.pOffset(slot) + l * sm.stride + c]).toBe(ps[slot]![l * width + c]);
          v[sm.gOffset(slot) + l * sm.stride + c] = gs[slot]![l * width + c]!;
        }
    const outs = [new Float32Array(n), new Float64Array(n)];
    for (const slot of [0, 1]) sm.backward(slot, 0.7, outs[slot]!, 0);
    for (let i = 0; i < n; i++) {
      expect(outs[0]![i]).toBe(Math.fround(wants[0]![i]!));
      expect(outs[1]![i]).toBe(wants[1]![i]);
    }
  });
});
