import { insidePolygon, sinCos } from '../geometry/index.js';
import type { Random } from '../random/index.js';

/** Shape kinds. */
export const SHAPES = ['circle', 'ellipse', 'square', 'rectangle', 'triangle', 'star', 'blob'] as const;
/** One of {@link SHAPES}. */
export type ShapeKind = (typeof SHAPES)[number];

/**
 * A shape in its local frame (centre at the origin, before rotation and scale): an ellipse
 * (u/a)² + (v/b)² ≤ 1 for circles and ellipses, a box |u| ≤ a ∧ |v| ≤ b for squares and
 * rectangles, an even–odd polygon for triangles, stars and blobs. `radius` bounds every point.
 */
export interface Shape {
  readonly kind: ShapeKind;
  readonly halfWidth: number;
  readonly halfHeight: number;
  readonly polygon: Float64Array | null;
  readonly radius: number;
}

const TAU = 6.283185307179586;

/** Is local point (u, v) inside the shape? (rule on {@link Shape}) */
export function insideShape(s: Shape, u: number, v: number): boolean {
  if (s.polygon) return insidePolygon(s.polygon, u, v);
  if (s.kind === 'circle' || s.kind === 'ellipse') {
    const x = u / s.halfWidth;
    const y = v / s.halfHeight;
    return x * x + y * y <= 1;
  }
  return Math.abs(u) <= s.halfWidth && Math.abs(v) <= s.halfHeight;
}

/**
 * Draw a shape of nominal radius r: circle (a = b = r); ellipse (a = r, b ∈ [0.55, 0.8]·r);
 * square (a = b = 0.85r); rectangle (a = 0.95r, b ∈ [0.45, 0.7]·r); triangle (3 vertices at
 * radius [1, 1.15]·r, angles 2πk/3 jittered by ±0.25 rad); star (5 or 6 points, outer 1.1r,
 * inner [0.45, 0.6]·r); blob (28 vertices at radius r·(1 + Σ a_k sin(kθ + φ_k)), k = 2, 3, 5).
 */
export function sampleShape(kind: ShapeKind, r: number, rng: Random): Shape {
  const polygonShape = (xy: number[]): Shape => {
    let radius = 0;
    for (let i = 0; i < xy.length; i += 2)
      radius = Math.max(radius, Math.sqrt(xy[i]! * xy[i]! + xy[i + 1]! * xy[i + 1]!));
    return { kind, halfWidth: radius, halfHeight: radius, polygon: Float64Array.from(xy), radius };
  };
  switch (kind) {
    case 'circle':
      return { kind, halfWidth: r, halfHeight: r, polygon: null, radius: r };
    case 'ellipse': {
      const b = r * rng.range(0.55, 0.8);
      return { kind, halfWidth: r, halfHeight: b, polygon: null, radius: r };
    }
    case 'square':
      return {
        kind,
        halfWidth: 0.85 * r,
        halfHeight: 0.85 * r,
        polygon: null,
        radius: Math.SQRT2 * 0.85 * r,
      };
    case 'rectangle': {
      const a = 0.95 * r;
      const b = r * rng.range(0.45, 0.7);
      return { kind, halfWidth: a, halfHeight: b, polygon: null, radius: Math.sqrt(a * a + b * b) };
    }
    case 'triangle': {
      const xy: number[] = [];
      for (let k = 0; k < 3; k++) {
        const [s, c] = sinCos((TAU * k) / 3 + rng.range(-0.25, 0.25));
        const rr = r * rng.range(1, 1.15);
        xy.push(rr * c, rr * s);
      }
      return polygonShape(xy);
    }
    case 'star': {
      const points = rng.int(5, 6);
      const inner = r * rng.range(0.45, 0.6);
      const xy: number[] = [];
      for (let k = 0; k < 2 * points; k++) {
        const [s, c] = sinCos((Math.PI * k) / points);
        const rr = k % 2 === 0 ? 1.1 * r : inner;
        xy.push(rr * c, rr * s);
      }
      return polygonShape(xy);
    }
    case 'blob': {
      const harmonics = [2, 3, 5].map((k, i) => ({
        k,
        amp: rng.range(0.04, [0.14, 0.11, 0.06][i]!),
        phase: rng.range(0, TAU),
      }));
      const xy: number[] = [];
      const n = 28;
      for (let j = 0; j < n; j++) {
        const theta = (TAU * j) / n;
        let rr = 1;
        for (const h of harmonics) rr += h.amp * sinCos(h.k * theta + h.phase)[0];
        const [s, c] = sinCos(theta);
        xy.push(r * rr * c, r * rr * s);
      }
      return polygonShape(xy);
    }
  }
}
