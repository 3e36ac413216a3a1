import { describe, expect, it } from 'vitest';
import { softmaxColumns, softmaxColumnsBackward, softmaxColumnsKernelBytes } from './softmaxColumns.js';

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
