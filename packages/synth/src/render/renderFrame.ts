import type { Scene } from '../world/index.js';
import { downsampleRgb, rasterise } from './rasterise.js';

/** One rendered frame: RGB (W·H·3, interleaved) and the instance mask (W·H, 0 = background). */
export interface RenderedFrame {
  readonly rgb: Uint8Array;
  readonly mask: Uint8Array;
}

/** Options of {@link renderFrame}. */
export interface RenderOptions {
  /** RGB samples per pixel along each axis (default: the scene's `params.supersample`). */
  readonly supersample?: number;
  /** Render only these object ids over the background. */
  readonly only?: ReadonlySet<number>;
}

/**
 * A frame renderer that reuses its supersampling buffer between calls. The mask is rasterised at
 * pixel centres (one sample, no antialiasing: exact instance ids); the RGB frame with s×s samples
 * per pixel box-filtered (s = 1: the very samples of the mask, so colour and label agree exactly).
 */
export function createRenderer(scene: Scene): (t: number, options?: RenderOptions) => RenderedFrame {
  const { width: W, height: H } = scene.params;
  let scratch = new Uint8Array(0);
  return (t, options = {}) => {
    if (!(Number.isInteger(t) && t >= 0 && t < scene.params.frames)) {
      throw new RangeError(`frame ${t} is outside 0..${scene.params.frames - 1}`);
    }
    const s = options.supersample ?? scene.params.supersample;
    const only = options.only;
    const mask = new Uint8Array(W * H);
    const rgb = new Uint8Array(W * H * 3);
    if (s === 1) {
      rasterise(scene, t, { scale: 1, ids: mask, rgb, ...(only ? { only } : {}) });
    } else {
      rasterise(scene, t, { scale: 1, ids: mask, ...(only ? { only } : {}) });
      const size = W * H * s * s * 3;
      if (scratch.length !== size) scratch = new Uint8Array(size);
      rasterise(scene, t, { scale: s, rgb: scratch, ...(only ? { only } : {}) });
      downsampleRgb(scratch, W, H, s, rgb);
    }
    return { rgb, mask };
  };
}

/** Render frame t of a scene (rules on {@link createRenderer}). */
export function renderFrame(scene: Scene, t: number, options: RenderOptions = {}): RenderedFrame {
  return createRenderer(scene)(t, options);
}
