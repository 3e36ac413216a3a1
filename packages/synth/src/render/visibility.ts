import type { Scene } from '../world/index.js';
import { rasterise } from './rasterise.js';

/** Per object id (index 0 unused): how much of it the masks show. */
export interface Visibility {
  /** Most mask pixels the object holds in any one frame. */
  readonly maxVisible: Uint32Array;
  /** Most pixels its shape covers inside the frame in any one frame, occluded or not. */
  readonly maxCoverage: Uint32Array;
  /** Frames in which it holds at least one mask pixel. */
  readonly framesVisible: Uint32Array;
}

/** Rasterise every frame's mask (pixel centres) and count, per object, visible and covered pixels. */
export function measureVisibility(scene: Scene): Visibility {
  const { width: W, height: H, frames: T } = scene.params;
  const n = scene.objects.reduce((m, o) => Math.max(m, o.id), 0) + 1;
  const maxVisible = new Uint32Array(n);
  const maxCoverage = new Uint32Array(n);
  const framesVisible = new Uint32Array(n);
  const ids = new Uint8Array(W * H);
  const coverage = new Uint32Array(n);
  const visible = new Uint32Array(n);
  for (let t = 0; t < T; t++) {
    coverage.fill(0);
    visible.fill(0);
    rasterise(scene, t, { scale: 1, ids, coverage });
    for (let p = 0; p < ids.length; p++) visible[ids[p]!]!++;
    for (let id = 1; id < n; id++) {
      maxVisible[id] = Math.max(maxVisible[id]!, visible[id]!);
      maxCoverage[id] = Math.max(maxCoverage[id]!, coverage[id]!);
      if (visible[id]! > 0) framesVisible[id]!++;
    }
  }
  return { maxVisible, maxCoverage, framesVisible };
}
