import { describe, expect, it } from 'vitest';
import { insidePolygon } from './polygon.js';
import { sinCos } from './trig.js';

describe('geometry', () => {
  it('sinCos agrees with Math.sin / Math.cos to 1e-14', () => {
    for (let x = -50; x <= 50; x += 0.0137) {
      const [s, c] = sinCos(x);
      expect(Math.abs(s - Math.sin(x))).toBeLessThan(1e-14);
      expect(Math.abs(c - Math.cos(x))).toBeLessThan(1e-14);
    }
    expect(sinCos(0)).toEqual([0, 1]);
  });

  it('insidePolygon: square, concave star, either winding', () => {
    const square = Float64Array.from([-1, -1, 1, -1, 1, 1, -1, 1]);
    expect(insidePolygon(square, 0, 0)).toBe(true);
    expect(insidePolygon(square, 1.5, 0)).toBe(false);
    expect(insidePolygon(Float64Array.from([-1, 1, 1, 1, 1, -1, -1, -1]), 0.9, -0.9)).toBe(true);
    // A 4-point star: the notch at (0.9, 0.9) lies between two spikes.
    const star = Float64Array.from([2, 0, 0.3, 0.3, 0, 2, -0.3, 0.3, -2, 0, -0.3, -0.3, 0, -2, 0.3, -0.3]);
    expect(insidePolygon(star, 1.5, 0)).toBe(true);
    expect(insidePolygon(star, 0.9, 0.9)).toBe(false);
    expect(insidePolygon(star, 0, 0)).toBe(true);
  });
});
