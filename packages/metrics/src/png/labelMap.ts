/**
 * The label-map shapes every metric reads and `decodePng` returns (types only: safe in any runtime).
 */

/** Label arrays the metrics accept: one non-negative integer label per pixel, row-major. */
export type LabelArray = Uint8Array | Uint16Array | Int32Array;

/** A label map: `width × height` labels, row-major. */
export interface LabelMap {
  readonly width: number;
  readonly height: number;
  readonly data: LabelArray;
}

/** A decoded label PNG: one label (palette index or grey value) per pixel, row-major. */
export interface LabelImage extends LabelMap {
  readonly data: Uint8Array;
}
