/**
 * Point in polygon by the even–odd crossing rule (Shimrat 1962, W. R. Franklin's PNPOLY): count
 * the edges that a ray from (u, v) towards +u crosses; odd = inside. `xy` holds the vertices
 * interleaved (x0, y0, x1, y1, …), in either winding; self-intersections follow even–odd.
 */
export function insidePolygon(xy: Float64Array, u: number, v: number): boolean {
  const n = xy.length >> 1;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = xy[2 * i]!;
    const yi = xy[2 * i + 1]!;
    const xj = xy[2 * j]!;
    const yj = xy[2 * j + 1]!;
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
