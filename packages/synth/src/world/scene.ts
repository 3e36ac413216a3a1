import { sinCos } from '../geometry/index.js';
import type { Random } from '../random/index.js';
import { hsvToRgb, type Rgb } from './colour.js';
import type { Palette, SynthParams } from './params.js';
import { SHAPES, type Shape, sampleShape } from './shape.js';
import { TEXTURES, type Texture, type TextureKind } from './texture.js';

/** One moving object: its label, depth, shape, texture and trajectory. */
export interface SceneObject {
  /** Mask label 1..N, stable over the video. */
  readonly id: number;
  /** Painting order: 0 is farthest; a higher depth occludes a lower one. */
  readonly depth: number;
  readonly shape: Shape;
  readonly texture: Texture;
  /** Centre per frame, in pixels (x right, y down). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Rotation θ(t) = angle0 + spin·t (radians). */
  readonly angle0: number;
  readonly spin: number;
  /** Scale σ(t) = 1 + scaleAmplitude·sin(2π t / scalePeriod + scalePhase). */
  readonly scaleAmplitude: number;
  readonly scalePeriod: number;
  readonly scalePhase: number;
}

/** The background: a texture in image coordinates, panned by (panX, panY) pixels per frame. */
export interface Background {
  readonly texture: Texture;
  readonly panX: number;
  readonly panY: number;
}

/** A whole video before rendering. `paintOrder` lists object indices by ascending depth. */
export interface Scene {
  readonly params: SynthParams;
  readonly background: Background;
  readonly objects: readonly SceneObject[];
  readonly paintOrder: readonly number[];
}

/** Where an object is at frame t: centre, rotation (as cos / sin) and scale. */
export interface ObjectPose {
  readonly cx: number;
  readonly cy: number;
  readonly cos: number;
  readonly sin: number;
  readonly scale: number;
}

const TAU = 6.283185307179586;

/** Pose of object o at frame t (rules on {@link SceneObject}). */
export function objectPose(o: SceneObject, t: number): ObjectPose {
  const [sin, cos] = sinCos(o.angle0 + o.spin * t);
  const scale = 1 + o.scaleAmplitude * sinCos((TAU * t) / o.scalePeriod + o.scalePhase)[0];
  return { cx: o.x[t]!, cy: o.y[t]!, cos, sin, scale };
}

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** Saturation and value ranges of object colours per palette. */
const PALETTE_RANGES: Record<Palette, { s: [number, number]; v: [number, number]; bgV: [number, number] }> = {
  vivid: { s: [0.6, 0.95], v: [0.65, 0.95], bgV: [0.3, 0.5] },
  pastel: { s: [0.25, 0.45], v: [0.8, 1], bgV: [0.25, 0.45] },
  muted: { s: [0.25, 0.5], v: [0.4, 0.62], bgV: [0.72, 0.86] },
  grey: { s: [0, 0], v: [0.12, 0.95], bgV: [0.45, 0.55] },
};

/**
 * Draw a scene from `rng` (d = difficulty, m = min(width, height)):
 * - N ~ U{minObjects..maxObjects} objects; shape and texture kinds uniform; nominal radius
 *   r = m·U(0.08, 0.15)·(1 + 0.4d); depth a uniform permutation (painter's algorithm).
 * - Colours: hues spread by the golden-ratio sequence h_i = h₀ + 0.618·i (+ jitter ±0.04),
 *   saturation / value from the palette (grey: values evenly spaced); the second texture colour
 *   shifts value by k = (0.15 + 0.4d)·U(0.75, 1) towards mid-grey (solid textures: one colour).
 * - Background: gradient, noise or checks of low saturation; clutter (value contrast) 0.05 + 0.23d;
 *   pan m·0.01d pixels per frame.
 * - Motion: start centre (W/2, H/2) + U(−s, s)·(W, H) with spread s = 0.36 − 0.14d; speed
 *   m·(0.008 + 0.022d)·U(0.5, 1.5) in a uniform direction, centres bounce elastically off the
 *   frame edges (so objects can half leave the frame); spin U(−1, 1)·(0.02 + 0.08d) rad/frame;
 *   scale amplitude U(0, 0.1) over a period U(12, 48) frames.
 * Textures and shapes follow {@link sampleShape} and {@link textureFactor}.
 */
export function sampleScene(params: SynthParams, rng: Random): Scene {
  const { width: W, height: H, frames: T, difficulty: d } = params;
  const m = Math.min(W, H);
  const n = rng.int(params.minObjects, params.maxObjects);
  const ranges = PALETTE_RANGES[params.palette];
  const grey = params.palette === 'grey';
  const h0 = rng.float();
  const greyOrder = rng.permutation(n);
  const depthOrder = rng.permutation(n);

  const bgHue = rng.float();
  const bgS = grey ? 0 : rng.range(0.03, 0.18);
  const bgV = rng.range(ranges.bgV[0], ranges.bgV[1]);
  const clutter = 0.05 + 0.23 * d;
  const bgKind = rng.pick(['gradient', 'noise', 'checks'] as const);
  const [bgSin, bgCos] = sinCos(rng.range(0, TAU));
  const bgPeriod =
    bgKind === 'gradient'
      ? Math.sqrt(W * W + H * H)
      : bgKind === 'noise'
        ? m * rng.range(0.12, 0.25)
        : m * rng.range(0.1, 0.2);
  const [panSin, panCos] = sinCos(rng.range(0, TAU));
  const pan = m * 0.01 * d;
  const background: Background = {
    texture: {
      kind: bgKind,
      colours: [
        hsvToRgb(bgHue, bgS, bgV),
        hsvToRgb(bgHue + rng.range(-0.05, 0.05), bgS, bgV + (bgV > 0.5 ? -clutter : clutter)),
      ],
      period: bgPeriod,
      dirX: bgCos,
      dirY: bgSin,
      salt: rng.uint32() | 0,
    },
    panX: pan * panCos,
    panY: pan * panSin,
  };

  const objects: SceneObject[] = [];
  const spread = 0.36 - 0.14 * d;
  for (let i = 0; i < n; i++) {
    const r = m * rng.range(0.08, 0.15) * (1 + 0.4 * d);
    const shape = sampleShape(rng.pick(SHAPES), r, rng);
    const textureKind: TextureKind = rng.pick(TEXTURES);
    const hue = h0 + 0.6180339887498949 * i + rng.range(-0.04, 0.04);
    const s = rng.range(ranges.s[0], ranges.s[1]);
    const v = grey
      ? lerp(ranges.v[0], ranges.v[1], (greyOrder[i]! + 0.5) / n)
      : rng.range(ranges.v[0], ranges.v[1]);
    const c0 = hsvToRgb(hue, s, v);
    const k = (0.15 + 0.4 * d) * rng.range(0.75, 1);
    const c1: Rgb =
      textureKind === 'solid'
        ? c0
        : hsvToRgb(
            hue + rng.range(-0.03, 0.03) * (1 + 2 * d),
            Math.min(1, s * rng.range(0.8, 1.1)),
            v >= 0.55 ? v - k : v + k,
          );
    const [tSin, tCos] = sinCos(rng.range(0, TAU));
    const period =
      textureKind === 'gradient'
        ? 2 * shape.radius
        : textureKind === 'stripes'
          ? r * rng.range(0.3, 0.55)
          : r * rng.range(0.35, 0.6);
    const texture: Texture = {
      kind: textureKind,
      colours: [c0, c1],
      period,
      dirX: tCos,
      dirY: tSin,
      salt: rng.uint32() | 0,
    };

    const x = new Float64Array(T);
    const y = new Float64Array(T);
    x[0] = W / 2 + rng.range(-spread, spread) * W;
    y[0] = H / 2 + rng.range(-spread, spread) * H;
    const speed = m * (0.008 + 0.022 * d) * rng.range(0.5, 1.5);
    const [vSin, vCos] = sinCos(rng.range(0, TAU));
    let vx = speed * vCos;
    let vy = speed * vSin;
    for (let t = 1; t < T; t++) {
      let nx = x[t - 1]! + vx;
      let ny = y[t - 1]! + vy;
      if (nx < 0 || nx > W) {
        nx = nx < 0 ? -nx : 2 * W - nx;
        vx = -vx;
      }
      if (ny < 0 || ny > H) {
        ny = ny < 0 ? -ny : 2 * H - ny;
        vy = -vy;
      }
      x[t] = nx;
      y[t] = ny;
    }
    objects.push({
      id: i + 1,
      depth: depthOrder[i]!,
      shape,
      texture,
      x,
      y,
      angle0: rng.range(0, TAU),
      spin: rng.range(-1, 1) * (0.02 + 0.08 * d),
      scaleAmplitude: rng.range(0, 0.1),
      scalePeriod: rng.range(12, 48),
      scalePhase: rng.range(0, TAU),
    });
  }
  return withObjects(params, background, objects);
}

/** A scene over the given objects, with `paintOrder` sorted by ascending depth. */
export function withObjects(
  params: SynthParams,
  background: Background,
  objects: readonly SceneObject[],
): Scene {
  const paintOrder = objects.map((_, i) => i).sort((a, b) => objects[a]!.depth - objects[b]!.depth);
  return { params, background, objects, paintOrder };
}
