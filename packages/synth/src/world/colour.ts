/** An RGB colour, channels 0..255 (integers for every colour the generator draws). */
export type Rgb = readonly [number, number, number];

/**
 * HSV → RGB (Smith 1978, the hexcone model), h, s, v in [0, 1], rounded to integers 0..255:
 * with i = ⌊6h⌋, f = 6h − i, p = v(1 − s), q = v(1 − sf), t = v(1 − s(1 − f)), (r, g, b) is
 * (v,t,p), (q,v,p), (p,v,t), (p,q,v), (t,p,v), (v,p,q) for i = 0..5. Only + − × and floor/round,
 * so reproducible everywhere.
 */
export function hsvToRgb(h: number, s: number, v: number): Rgb {
  const hh = (h - Math.floor(h)) * 6;
  const i = Math.floor(hh);
  const f = hh - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const [r, g, b] =
    i === 0
      ? [v, t, p]
      : i === 1
        ? [q, v, p]
        : i === 2
          ? [p, v, t]
          : i === 3
            ? [p, q, v]
            : i === 4
              ? [t, p, v]
              : [v, p, q];
  const to8 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 255);
  return [to8(r), to8(g), to8(b)];
}
