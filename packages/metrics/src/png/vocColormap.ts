/**
 * The PASCAL-VOC colour map that DAVIS uses for palette masks: entry i takes the bits of i,
 * three at a time, into the high bits of R, G and B (index 1 = (128,0,0), 2 = (0,128,0), ...).
 * Returns 256 RGB triplets, flattened.
 */
export function vocColormap(): Uint8Array {
  const map = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let c = i;
    for (let j = 0; j < 8; j++) {
      r |= ((c >> 0) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    map[i * 3] = r;
    map[i * 3 + 1] = g;
    map[i * 3 + 2] = b;
  }
  return map;
}
