import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { expectFinite, expectShape, sizeOf, stridesOf, tensor } from './index.js';

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
  });
});
