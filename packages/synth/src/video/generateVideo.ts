import { InputError, type RgbFrame } from '@slotmatch/core';
import { createRandom } from '../random/index.js';
import { createRenderer, measureVisibility, type Visibility } from '../render/index.js';
import {
  type Rgb,
  resolveParams,
  type Scene,
  type SceneObject,
  type SynthParams,
  sampleScene,
  withObjects,
} from '../world/index.js';

/** One generated frame: the RGB image and its instance mask (0 = background, 1..N = objects). */
export interface SynthFrame {
  readonly index: number;
  readonly frame: RgbFrame & { readonly data: Uint8Array; readonly format: 'rgb' };
  readonly mask: Uint8Array;
}

/** JSON description of a video (written to meta.json): the seed and what was drawn. */
export interface VideoDescription {
  readonly seed: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly background: { kind: string; colours: Rgb[]; period: number; pan: [number, number] };
  readonly objects: {
    id: number;
    depth: number;
    shape: string;
    radius: number;
    texture: string;
    colours: Rgb[];
    framesVisible: number;
  }[];
}

/** A generated video: its scene and a lazy stream of frames (one frame in memory at a time). */
export interface SynthVideo extends Iterable<SynthFrame> {
  readonly params: SynthParams;
  readonly seed: string;
  readonly scene: Scene;
  readonly description: VideoDescription;
  /** Frames 0..frames−1, rendered on demand; each call starts again from frame 0. */
  frames(): Generator<SynthFrame, void, undefined>;
}

/** Attempts at drawing a scene in which every object is visible before dropping hidden ones. */
const ATTEMPTS = 32;

/** The visibility rule: some frame shows ≥ 30 % of the object's largest in-frame area (and ≥ 1 pixel). */
function isVisible(v: Visibility, id: number): boolean {
  return v.maxVisible[id]! >= Math.max(1, Math.ceil(0.3 * v.maxCoverage[id]!));
}

/**
 * Draw the scene of a video: scenes are drawn one after another from the seed's stream until
 * every object is visible by the rule of {@link isVisible} (≤ 32 attempts); after that the last
 * scene keeps its visible objects, renumbered 1..N' in order, if N' ≥ minObjects — otherwise the
 * frame is too small for the requested objects (an InputError).
 */
function buildScene(params: SynthParams, seed: string): { scene: Scene; visibility: Visibility } {
  const rng = createRandom(seed);
  let scene = sampleScene(params, rng);
  let visibility = measureVisibility(scene);
  for (let attempt = 1; attempt < ATTEMPTS; attempt++) {
    if (scene.objects.every((o) => isVisible(visibility, o.id))) return { scene, visibility };
    scene = sampleScene(params, rng);
    visibility = measureVisibility(scene);
  }
  const kept: SceneObject[] = scene.objects
    .filter((o) => isVisible(visibility, o.id))
    .map((o, i) => ({ ...o, id: i + 1 }));
  if (kept.length < params.minObjects) {
    throw new InputError(
      'params',
      `cannot place ${params.minObjects} visible objects in ${params.width}×${params.height} frames; lower minObjects or enlarge the frames`,
    );
  }
  scene = withObjects(params, scene.background, kept);
  return { scene, visibility: measureVisibility(scene) };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function describe(scene: Scene, seed: string, visibility: Visibility): VideoDescription {
  const { params, background } = scene;
  return {
    seed,
    width: params.width,
    height: params.height,
    frames: params.frames,
    background: {
      kind: background.texture.kind,
      colours: [...background.texture.colours],
      period: round3(background.texture.period),
      pan: [round3(background.panX), round3(background.panY)],
    },
    objects: scene.objects.map((o) => ({
      id: o.id,
      depth: o.depth,
      shape: o.shape.kind,
      radius: round3(o.shape.radius),
      texture: o.texture.kind,
      colours: [...o.texture.colours],
      framesVisible: visibility.framesVisible[o.id]!,
    })),
  };
}

/**
 * Generate one video from parameters (unset fields take {@link DEFAULT_PARAMS}) and a seed
 * (number or text; the same seed and parameters give the same pixels on every machine: all draws
 * come from xoshiro128** and all geometry from + − × ÷ √ and rounding). The scene (trajectories,
 * shapes, textures) is drawn at once; frames are rendered lazily by `frames()`.
 */
export function generateVideo(params: Partial<SynthParams>, seed: number | string): SynthVideo {
  const p = resolveParams(params);
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new InputError('seed', `must be a safe integer or a string, got ${seed}`);
  }
  const key = String(seed);
  const { scene, visibility } = buildScene(p, key);
  const description = describe(scene, key, visibility);
  function* frames(): Generator<SynthFrame, void, undefined> {
    const render = createRenderer(scene);
    for (let t = 0; t < p.frames; t++) {
      const { rgb, mask } = render(t);
      yield { index: t, frame: { data: rgb, width: p.width, height: p.height, format: 'rgb' }, mask };
    }
  }
  return { params: p, seed: key, scene, description, frames, [Symbol.iterator]: frames };
}
