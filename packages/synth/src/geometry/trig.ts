/**
 * Sine and cosine from + − × ÷ and Math.round only, so every engine and machine computes the same
 * bits (ECMAScript leaves the precision of Math.sin / Math.cos to the implementation; the basic
 * operations are IEEE 754 exact-rounded). Rule: reduce x to r = x − 2π·round(x / 2π) ∈ [−π, π],
 * then to the quadrant q = round(r / (π/2)) with z = r − q·π/2 ∈ [−π/4, π/4], evaluate the Taylor
 * series of sin z and cos z to degree 17 / 18 (truncation error < 1e−17 on |z| ≤ π/4, Horner form),
 * and rotate by q. Accurate to ~1e−15 for |x| < 1e6, which is all a renderer needs.
 */

const TWO_PI = 6.283185307179586;
const HALF_PI = 1.5707963267948966;

function sinPoly(z: number): number {
  const z2 = z * z;
  return (
    z *
    (1 +
      z2 *
        (-1 / 6 +
          z2 *
            (1 / 120 +
              z2 *
                (-1 / 5040 +
                  z2 *
                    (1 / 362880 +
                      z2 *
                        (-1 / 39916800 +
                          z2 * (1 / 6227020800 + z2 * (-1 / 1307674368000 + z2 * (1 / 355687428096000)))))))))
  );
}

function cosPoly(z: number): number {
  const z2 = z * z;
  return (
    1 +
    z2 *
      (-1 / 2 +
        z2 *
          (1 / 24 +
            z2 *
              (-1 / 720 +
                z2 *
                  (1 / 40320 +
                    z2 *
                      (-1 / 3628800 +
                        z2 * (1 / 479001600 + z2 * (-1 / 87178291200 + z2 * (1 / 20922789888000))))))))
  );
}

/** [sin x, cos x], bit-reproducible (rule in the file header). */
export function sinCos(x: number): [number, number] {
  const r = x - TWO_PI * Math.round(x / TWO_PI);
  const q = Math.round(r / HALF_PI);
  const z = r - q * HALF_PI;
  const s = sinPoly(z);
  const c = cosPoly(z);
  switch (((q % 4) + 4) % 4) {
    case 0:
      return [s, c];
    case 1:
      return [c, -s];
    case 2:
      return [-s, -c];
    default:
      return [-c, s];
  }
}
