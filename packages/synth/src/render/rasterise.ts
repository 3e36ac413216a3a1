import { insideShape, objectPose, type Scene, textureFactor } from '../world/index.js';

/** Buffers and switches of one {@link rasterise} call. */
export interface RasterTarget {
  /** Samples per pixel along each axis: the grid is (width·scale) × (height·scale). */
  readonly scale: number;
  /** Label per sample (0 = background), written when given. */
  readonly ids?: Uint8Array;
  /** Interleaved RGB per sample, written when given. */
  readonly rgb?: Uint8Array;
  /** Paint only these object ids (the background is always painted). */
  readonly only?: ReadonlySet<number>;
  /** coverage[id] += samples inside object `id`, occluded or not (index 0 unused). */
  readonly coverage?: Uint32Array;
}

/**
 * Painter's algorithm on a sample grid: sample (i, j) sits at image point ((i + ½)/s, (j + ½)/s).
 * First the background colour c₀ + (c₁ − c₀)·f at the point shifted by the pan (pan·t) and
 * centred on the frame; then objects by ascending depth, each writing its id and texture colour
 * on every sample inside its shape. A point p is tested in the object's local frame
 * (u, v) = R(−θ)(p − c) / σ, so the texture turns and scales with the shape. Colours are rounded
 * per sample (Math.round per channel). Without antialiasing, ids are exact: the front-most object
 * whose shape contains the sample point.
 */
export function rasterise(scene: Scene, t: number, target: RasterTarget): void {
  const { width: W, height: H } = scene.params;
  const s = target.scale;
  const gw = W * s;
  const gh = H * s;
  const { ids, rgb, only, coverage } = target;
  if (ids) ids.fill(0);
  if (rgb) {
    const bg = scene.background;
    const tex = bg.texture;
    const [c0, c1] = tex.colours;
    const ox = bg.panX * t - W / 2;
    const oy = bg.panY * t - H / 2;
    for (let j = 0; j < gh; j++) {
      const py = (j + 0.5) / s + oy;
      for (let i = 0; i < gw; i++) {
        const f = textureFactor(tex, (i + 0.5) / s + ox, py);
        const k = 3 * (j * gw + i);
        rgb[k] = Math.round(c0[0] + (c1[0] - c0[0]) * f);
        rgb[k + 1] = Math.round(c0[1] + (c1[1] - c0[1]) * f);
        rgb[k + 2] = Math.round(c0[2] + (c1[2] - c0[2]) * f);
      }
    }
  }
  for (const index of scene.paintOrder) {
    const o = scene.objects[index]!;
    if (only && !only.has(o.id)) continue;
    const { cx, cy, cos, sin, scale } = objectPose(o, t);
    const reach = o.shape.radius * scale;
    // Samples whose point lies within the bounding square of the bounding circle.
    const i0 = Math.max(0, Math.ceil((cx - reach) * s - 0.5));
    const i1 = Math.min(gw - 1, Math.floor((cx + reach) * s - 0.5));
    const j0 = Math.max(0, Math.ceil((cy - reach) * s - 0.5));
    const j1 = Math.min(gh - 1, Math.floor((cy + reach) * s - 0.5));
    const tex = o.texture;
    const [c0, c1] = tex.colours;
    let covered = 0;
    for (let j = j0; j <= j1; j++) {
      const dy = (j + 0.5) / s - cy;
      for (let i = i0; i <= i1; i++) {
        const dx = (i + 0.5) / s - cx;
        const u = (dx * cos + dy * sin) / scale;
        const v = (dy * cos - dx * sin) / scale;
        if (!insideShape(o.shape, u, v)) continue;
        covered++;
        const p = j * gw + i;
        if (ids) ids[p] = o.id;
        if (rgb) {
          const f = textureFactor(tex, u, v);
          rgb[3 * p] = Math.round(c0[0] + (c1[0] - c0[0]) * f);
          rgb[3 * p + 1] = Math.round(c0[1] + (c1[1] - c0[1]) * f);
          rgb[3 * p + 2] = Math.round(c0[2] + (c1[2] - c0[2]) * f);
        }
      }
    }
    if (coverage) coverage[o.id] = coverage[o.id]! + covered;
  }
}

/**
 * Box filter s×s → 1: out[p, c] = round(Σ samples / s²) over the s×s samples of pixel p
 * (supersampling antialiasing of the RGB frame).
 */
export function downsampleRgb(
  samples: Uint8Array,
  width: number,
  height: number,
  s: number,
  out: Uint8Array,
) {
  if (s === 1) {
    out.set(samples.subarray(0, width * height * 3));
    return;
  }
  const gw = width * s;
  const n = s * s;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < s; dy++) {
        let k = 3 * ((y * s + dy) * gw + x * s);
        for (let dx = 0; dx < s; dx++, k += 3) {
          r += samples[k]!;
          g += samples[k + 1]!;
          b += samples[k + 2]!;
        }
      }
      const p = 3 * (y * width + x);
      out[p] = Math.round(r / n);
      out[p + 1] = Math.round(g / n);
      out[p + 2] = Math.round(b / n);
    }
  }
}
