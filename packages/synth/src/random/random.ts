/**
 * The generator's only source of randomness: xoshiro128** (Blackman & Vigna 2018,
 * https://prng.di.unimi.it/xoshiro128starstar.c) over 32-bit integer arithmetic (`Math.imul`,
 * shifts), seeded from a text key by a 128-bit string hash. Integer arithmetic and exact
 * division by 2^32 make every draw bit-identical on every JavaScript engine and machine.
 */

/** A seeded stream of draws. */
export interface Random {
  /** Next raw 32-bit output, 0 ≤ n < 2^32. */
  uint32(): number;
  /** Uniform float in [0, 1): uint32 / 2^32 (exact). */
  float(): number;
  /** Uniform float in [lo, hi): lo + (hi − lo)·float(). */
  range(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi] (inclusive): lo + ⌊float()·(hi − lo + 1)⌋. */
  int(lo: number, hi: number): number;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A uniformly random permutation of 0..n−1 (Fisher–Yates, Knuth 1969 Alg. P). */
  permutation(n: number): number[];
}

/**
 * 128-bit hash of a string: four 32-bit lanes, each a multiply-xorshift mix of the UTF-16 code
 * units (the cyrb128 construction by bryc, public domain), finalised by cross-mixing the lanes.
 * Used only to turn a seed key ("7/test/3") into a PRNG state, never as a cryptographic hash.
 */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const TWO_32 = 4294967296;

/**
 * A xoshiro128** stream seeded with hash128(String(seed)). The all-zero state (a fixed point of
 * xoshiro) is replaced by a constant. Same seed → same draws everywhere.
 */
export function createRandom(seed: string | number): Random {
  return xoshiro128ss(hash128(String(seed)));
}

/**
 * xoshiro128** from an explicit 128-bit state `[s0, s1, s2, s3]` (the reference's `s[0..3]`);
 * the all-zero state is replaced by a constant.
 */
export function xoshiro128ss(state: readonly [number, number, number, number]): Random {
  let [a, b, c, d] = state;
  if ((a | b | c | d) === 0) a = 0x9e3779b9;
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const float = () => uint32() / TWO_32;
  return {
    uint32,
    float,
    range: (lo, hi) => lo + (hi - lo) * float(),
    int: (lo, hi) => lo + Math.floor(float() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(float() * items.length)]!,
    permutation(n) {
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(float() * (i + 1));
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      return p;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Integer lattice hash for value noise: a 32-bit avalanche of (ix, iy, salt) (multiply-xorshift,
 * the finaliser of MurmurHash3 by Appleby), mapped to [0, 1) by / 2^32.
 */
export function latticeHash(ix: number, iy: number, salt: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ salt;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / TWO_32;
}
