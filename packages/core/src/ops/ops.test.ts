import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { add, layerNorm, linear, matmul, relu, sigmoid, softmax, stateTensor } from './index.js';

const t = (data: number[], dims: number[]) => ({ data: Float64Array.from(data), dims });

describe('matmul', () => {
  it('multiplies [2,3]·[3,2] and a·bᵀ', () => {
    const a = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = t([7, 8, 9, 10, 11, 12], [3, 2]);
    expect(Array.from(matmul(a, b).data)).toEqual([58, 64, 139, 154]);
    const bt = t([7, 9, 11, 8, 10, 12], [2, 3]);
    expect(Array.from(matmul(a, bt, { transposeB: true }).data)).toEqual([58, 64, 139, 154]);
  });
  it('names the operand whose inner size disagrees', () => {
    expect(() => matmul(t([1, 2], [1, 2]), t([1, 2, 3], [3, 1]))).toThrow(
      /matmul b: has dims \[3,1\], expected \[K=2,N\]/,
    );
  });
});

describe('linear', () => {
  it('applies W [out,in] and b over the last axis of any batch shape', () => {
    const x = t([1, 2, 3, 4], [2, 1, 2]);
    const w = t([1, 0, 1, 1, 2, -1], [3, 2]);
    const b = t([0, 1, 0.5], [3]);
    const y = linear(x, w, b);
    expect(y.dims).toEqual([2, 1, 3]);
    expect(Array.from(y.data)).toEqual([1, 4, 0.5, 3, 8, 2.5]);
  });
  it('equals the plain sum Σ x·W + b on a [3,7]·[9,7]ᵀ case', () => {
    const x = t(
      Array.from({ length: 3 * 7 }, (_, i) => Math.sin(i)),
      [3, 7],
    );
    const w = t(
      Array.from({ length: 9 * 7 }, (_, i) => Math.cos(i)),
      [9, 7],
    );
    const b = t(
      Array.from({ length: 9 }, (_, i) => i / 10),
      [9],
    );
    const y = linear(x, w, b);
    for (let r = 0; r < 3; r++) {
      for (let o = 0; o < 9; o++) {
        let s = b.data[o]!;
        for (let i = 0; i < 7; i++) s += x.data[r * 7 + i]! * w.data[o * 7 + i]!;
        expect(y.data[r * 9 + o]).toBeCloseTo(s, 12);
      }
    }
  });
  it('rejects a weight of the wrong input width', () => {
    expect(() => linear(t([1, 2], [1, 2]), t([1, 2, 3], [1, 3]), undefined, 'adapter')).toThrow(InputError);
  });
});

describe('layerNorm', () => {
  it('uses the biased variance and eps like nn.LayerNorm', () => {
    const y = layerNorm(t([1, 2, 3, 4], [1, 4]), t([1, 1, 2, 2], [4]), t([0, 0, 0, 1], [4]), 0);
    const s = Math.sqrt(1.25);
    const want = [-1.5 / s, -0.5 / s, (2 * 0.5) / s, (2 * 1.5) / s + 1];
    for (let i = 0; i < 4; i++) expect(y.data[i]).toBeCloseTo(want[i]!, 12);
  });
});

describe('softmax', () => {
  it('normalises along the requested axis', () => {
    const x = t([0, 1, 2, 3, 4, 5], [2, 3]);
    const rows = softmax(x, -1);
    const cols = softmax(x, 0);
    const e = [1, Math.E, Math.E ** 2];
    const z = e[0]! + e[1]! + e[2]!;
    for (let i = 0; i < 3; i++) expect(rows.data[i]).toBeCloseTo(e[i]! / z, 12);
    for (let j = 0; j < 3; j++) {
      expect(cols.data[j]).toBeCloseTo(1 / (1 + Math.exp(3)), 12);
      expect(cols.data[j]! + cols.data[3 + j]!).toBeCloseTo(1, 12);
    }
  });
  it('stays finite for large logits', () => {
    const y = softmax(t([1000, 1001], [2]), 0);
    expect(y.data[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe('element-wise and state dict', () => {
  it('relu, add, sigmoid', () => {
    expect(Array.from(relu(t([-1, 2], [2])).data)).toEqual([0, 2]);
    expect(Array.from(add(t([1, 2], [2]), t([3, 4], [2])).data)).toEqual([4, 6]);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-800)).toBe(0);
  });
  it('names a missing or misshapen state_dict key', () => {
    const dict = { 'a.weight': t([1, 2], [1, 2]) };
    expect(() => stateTensor(dict, 'b.weight', [2])).toThrow('b.weight: missing from the weights');
    expect(() => stateTensor(dict, 'a.weight', [2, 1])).toThrow(/a\.weight: has dims \[1,2\]/);
  });
});
