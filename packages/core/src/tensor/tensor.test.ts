import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { expectFinite, expectShape, firstNonFinite, sizeOf, stridesOf, tensor } from './index.js';

describe('tensor', () => {
  it('sizes and strides are row-major', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });
  it('refuses data that does not fill its dims', () => {
    expect(() => tensor(new Float32Array(5), [2, 3], 'x')).toThrow('x: 5 values do not fill dims [2,3]');
  });
  it('binds named sizes across arguments and names the argument at fault', () => {
    const sizes = {};
    expectShape('a', tensor(new Float32Array(6), [2, 3]), ['B', 'S'], sizes);
    expect(() => expectShape('b', tensor(new Float32Array(8), [2, 4]), ['B', 'S'], sizes)).toThrow(
      'b: has dims [2,4], expected [B=2,S=3]',
    );
    expect(() => expectShape('c', tensor(new Float32Array(6), [6]), ['B', 'S'], sizes)).toThrow(InputError);
  });
  it('names the first non-finite value', () => {
    expect(() => expectFinite('x', new Float64Array([0, Number.NaN]))).toThrow('x: value 1 is NaN');
    expect(() => expectFinite('y', Float32Array.from([1, 2, Number.NEGATIVE_INFINITY]))).toThrow(
      'y: value 2 is -Infinity',
    );
    expect(() => expectFinite('z', [0, Number.POSITIVE_INFINITY])).toThrow('z: value 1 is Infinity');
    expect(() => expectFinite('w', Float32Array.from([-3.4e38, 0, 3.4e38]))).not.toThrow();
  });
  it('finds the first NaN or ±∞ in every storage type (v − v ≠ 0)', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const values = [1, -0, Number.MAX_VALUE, bad, bad];
      expect(firstNonFinite(Float64Array.from(values))).toBe(3);
      expect(firstNonFinite(Float32Array.from(values.map((v) => (v === Number.MAX_VALUE ? 3e38 : v))))).toBe(
        3,
      );
      expect(firstNonFinite(values)).toBe(3);
    }
    expect(firstNonFinite(new Float32Array(1000))).toBe(-1);
    expect(firstNonFinite([])).toBe(-1);
  });
});
