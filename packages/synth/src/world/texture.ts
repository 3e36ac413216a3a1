import { latticeHash } from '../random/index.js';
import type { Rgb } from './colour.js';

/** Texture kinds of objects (the background uses gradient, noise and checks). */
export const TEXTURES = ['solid', 'stripes', 'checks', 'gradient', 'noise'] as const;
/** One of {@link TEXTURES}. */
export type TextureKind = (typeof TEXTURES)[number];

/**
 * A two-colour texture: every point takes colour c0 + (c1 − c0)·f(u, v) with f ∈ [0, 1] given by
 * {@link textureFactor}, in the texture's own coordinates (an object's local frame, so textures
 * turn and scale with the object).
 */
export interface Texture {
  readonly kind: TextureKind;
  readonly colours: readonly [Rgb, Rgb];
  /** Stripe / check width, noise cell size or gradient length, in pixels. */
  readonly period: number;
  /** Unit direction of stripes, checks and gradients. */
  readonly dirX: number;
  readonly dirY: number;
  /** Salt of the noise lattice. */
  readonly salt: number;
}

/**
 * Value noise (Perlin 1985's lattice noise with values instead of gradients): lattice values
 * h(i, j) = latticeHash(i, j, salt) ∈ [0, 1), blended bilinearly with the smoothstep weight
 * s(t) = t²(3 − 2t). Result in [0, 1).
 */
export function valueNoise(x: number, y: number, salt: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const a = latticeHash(ix, iy, salt);
  const b = latticeHash(ix + 1, iy, salt);
  const c = latticeHash(ix, iy + 1, salt);
  const d = latticeHash(ix + 1, iy + 1, salt);
  const top = a + (b - a) * sx;
  const bottom = c + (d - c) * sx;
  return top + (bottom - top) * sy;
}

/**
 * The blend factor f(u, v) ∈ [0, 1] of a texture, with a = u·dirX + v·dirY, b = −u·dirY + v·dirX
 * and p = period: solid 0; stripes ⌊a/p⌋ mod 2; checks (⌊a/p⌋ + ⌊b/p⌋) mod 2; gradient
 * clamp(1/2 + a/p); noise clamp(1/2 + 1.6·(n − 1/2)) with n = (2/3)·N(u/p, v/p) + (1/3)·N(2u/p, 2v/p)
 * of {@link valueNoise} N (two octaves, contrast-stretched).
 */
export function textureFactor(t: Texture, u: number, v: number): number {
  switch (t.kind) {
    case 'solid':
      return 0;
    case 'stripes':
      return Math.floor((u * t.dirX + v * t.dirY) / t.period) & 1;
    case 'checks': {
      const a = Math.floor((u * t.dirX + v * t.dirY) / t.period);
      const b = Math.floor((v * t.dirX - u * t.dirY) / t.period);
      return (a + b) & 1;
    }
    case 'gradient':
      return clamp01(0.5 + (u * t.dirX + v * t.dirY) / t.period);
    case 'noise': {
      const x = u / t.period;
      const y = v / t.period;
      const n = (2 / 3) * valueNoise(x, y, t.salt) + (1 / 3) * valueNoise(2 * x, 2 * y, t.salt ^ 0x5bd1e995);
      return clamp01(0.5 + 1.6 * (n - 0.5));
    }
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
