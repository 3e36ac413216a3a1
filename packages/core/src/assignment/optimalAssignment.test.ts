import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimalAssignment } from './optimalAssignment.js';

/** Exhaustive search over all injective maps of the smaller side into the larger one. */
function bruteForce(cost: number[], rows: number, cols: number, maximize: boolean): number {
  const small = Math.min(rows, cols);
  const large = Math.max(rows, cols);
  const at = (s: number, l: number) => (rows <= cols ? cost[s * cols + l]! : cost[l * cols + s]!);
  let best = maximize ? -Infinity : Infinity;
  const used = new Array<boolean>(large).fill(false);
  const go = (s: number, acc: number) => {
    if (s === small) {
      best = maximize ? Math.max(best, acc) : Math.min(best, acc);
      return;
    }
    for (let l = 0; l < large; l++) {
      if (used[l]) continue;
      used[l] = true;
      go(s + 1, acc + at(s, l));
      used[l] = false;
    }
  };
  go(0, 0);
  return best;
}

describe('optimalAssignment', () => {
  it('solves a square problem', () => {
    const cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
    const a = optimalAssignment(cost, 3, 3);
    expect(Array.from(a.rows)).toEqual([0, 1, 2]);
    expect(Array.from(a.cols)).toEqual([1, 0, 2]);
    expect(a.total).toBe(5);
  });

  it('maximises a rectangular problem with more rows than columns', () => {
    const cost = [0.1, 0.9, 0.8, 0.2, 0.5, 0.5];
    const a = optimalAssignment(cost, 3, 2, { maximize: true });
    expect(Array.from(a.rows)).toEqual([0, 1]);
    expect(Array.from(a.cols)).toEqual([1, 0]);
    expect(a.total).toBeCloseTo(1.7, 12);
  });

  it('handles empty problems', () => {
    expect(optimalAssignment([], 0, 4).rows.length).toBe(0);
  });

  it('names the bad entry', () => {
    expect(() => optimalAssignment([1, Number.NaN], 1, 2)).toThrow(/cost\[0, 1\] = NaN/);
    expect(() => optimalAssignment([1, 2, 3], 2, 2)).toThrow(/3 entries, expected rows·cols = 2·2 = 4/);
  });

  it('matches brute force on random rectangular matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 25, maxLength: 25 }),
        (rows, cols, maximize, pool) => {
          const cost = pool.slice(0, rows * cols);
          const a = optimalAssignment(cost, rows, cols, { maximize });
          expect(a.rows.length).toBe(Math.min(rows, cols));
          expect(new Set(a.cols).size).toBe(a.cols.length);
          expect(new Set(a.rows).size).toBe(a.rows.length);
          expect(a.total).toBe(bruteForce(cost, rows, cols, maximize));
        },
      ),
      { numRuns: 400 },
    );
  });
});
