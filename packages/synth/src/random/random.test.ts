import { describe, expect, it } from 'vitest';
import { createRandom, hash128, latticeHash, xoshiro128ss } from './random.js';

describe('random', () => {
  it('xoshiro128** matches the reference outputs from state (1, 2, 3, 4)', () => {
    // First outputs of prng.di.unimi.it/xoshiro128starstar.c seeded with s = {1, 2, 3, 4}.
    const r = xoshiro128ss([1, 2, 3, 4]);
    expect(Array.from({ length: 5 }, () => r.uint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883]);
  });

  it('same seed → same stream, other seed → other stream', () => {
    const draw = (seed: string | number) => {
      const r = createRandom(seed);
      return Array.from({ length: 16 }, () => r.uint32());
    };
    expect(draw('7/test/3')).toEqual(draw('7/test/3'));
    expect(draw(42)).toEqual(draw('42'));
    expect(draw('7/test/3')).not.toEqual(draw('7/train/3'));
    expect(hash128('a')).not.toEqual(hash128('b'));
  });

  it('draws stay in range and permutations are permutations', () => {
    const r = createRandom('range');
    for (let i = 0; i < 2000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      const k = r.int(2, 6);
      expect(Number.isInteger(k) && k >= 2 && k <= 6).toBe(true);
    }
    const p = r.permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[r.int(0, 4)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('lattice hash is deterministic and spread over [0, 1)', () => {
    expect(latticeHash(3, -4, 99)).toBe(latticeHash(3, -4, 99));
    let sum = 0;
    for (let i = 0; i < 1000; i++) {
      const h = latticeHash(i, -i, 5);
      expect(h >= 0 && h < 1).toBe(true);
      sum += h;
    }
    expect(Math.abs(sum / 1000 - 0.5)).toBeLessThan(0.05);
  });
});
