import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryF, boundaryMap } from './boundaryF.js';
import { indexBoundaries, matchBoundaries } from './boundaryMatch.js';
import { dilateDisk, diskSpans } from './dilateDisk.js';
import { combineRuns, labelRuns, runBoundaryPixels } from './labelRuns.js';
import { regionJ } from './regionJ.js';

/** seg2bmap written out pixel by pixel, straight from davis2017-evaluation `_seg2bmap` (the oracle). */
function naiveBoundary(mask: Uint8Array, w: number, h: number): Uint8Array {
  const at = (x: number, y: number) => (x < w && y < h ? mask[y * w + x]! : 0);
  const b = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = at(x, y);
      let v = s !== at(x + 1, y) || s !== at(x, y + 1) || s !== at(x + 1, y + 1);
      if (y === h - 1) v = s !== at(x + 1, y);
      if (x === w - 1) v = s !== at(x, y + 1);
      if (x === w - 1 && y === h - 1) v = false;
      b[y * w + x] = v ? 1 : 0;
    }
  }
  return b;
}

/** Disk dilation by painting every pixel's disk {dx² + dy² ≤ r²} (the oracle). */
function naiveDilate(b: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!b[y * w + x]) continue;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (dx * dx + dy * dy <= r * r && xx >= 0 && xx < w && yy >= 0 && yy < h) out[yy * w + xx] = 1;
        }
      }
    }
  }
  return out;
}

/** Random label maps made of a few rectangles (piecewise constant, like masks) plus noise pixels. */
const labelMaps = fc
  .record({
    w: fc.integer({ min: 1, max: 24 }),
    h: fc.integer({ min: 1, max: 18 }),
    labels: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ w, h, labels }) =>
    fc.record({
      w: fc.constant(w),
      h: fc.constant(h),
      labels: fc.constant(labels),
      rects: fc.array(
        fc.tuple(fc.nat(w - 1), fc.nat(h - 1), fc.nat(w), fc.nat(h), fc.integer({ min: 0, max: labels + 1 })),
        { maxLength: 6 },
      ),
      noise: fc.array(fc.tuple(fc.nat(w * h - 1), fc.integer({ min: 0, max: labels + 1 })), { maxLength: 8 }),
    }),
  )
  .map(({ w, h, labels, rects, noise }) => {
    const data = new Int32Array(w * h);
    for (const [x0, y0, rw, rh, v] of rects) {
      for (let y = y0; y < Math.min(h, y0 + rh); y++)
        for (let x = x0; x < Math.min(w, x0 + rw); x++) data[y * w + x] = v;
    }
    for (const [i, v] of noise) data[i] = v;
    return { w, h, labels, data };
  });

describe('boundaries from runs', () => {
  it('equal seg2bmap of every label mask, pixel for pixel', () => {
    fc.assert(
      fc.property(labelMaps, ({ w, h, labels, data }) => {
        const got = runBoundaryPixels(labelRuns(data, w, h, 'm'), labels);
        for (let k = 1; k <= labels; k++) {
          const mask = Uint8Array.from(data, (v) => (v === k ? 1 : 0));
          const want: number[] = [];
          naiveBoundary(mask, w, h).forEach((v, i) => {
            if (v) want.push(i);
          });
          expect(got[k - 1]).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('combineRuns equals combining the pixels', () => {
    fc.assert(
      fc.property(labelMaps, fc.integer({ min: 2, max: 7 }), ({ w, h, data }, step) => {
        const other = Int32Array.from(data, (v, i) => (v + (i % step === 0 ? 1 : 0)) % 3);
        const runs = combineRuns(labelRuns(data, w, h, 'a'), labelRuns(other, w, h, 'b'), (x, y) =>
          x === 0 ? 0 : y,
        );
        const want = labelRuns(
          Int32Array.from(data, (x, i) => (x === 0 ? 0 : other[i]!)),
          w,
          h,
          'want',
        );
        expect(runs).toEqual(want);
      }),
    );
  });

  it('byte label maps (read four at a time) give the same runs as wide ones', () => {
    fc.assert(
      fc.property(labelMaps, fc.nat(3), ({ w, h, data }, offset) => {
        const bytes = new Uint8Array(w * h + offset).subarray(offset);
        bytes.set(data);
        expect(labelRuns(bytes, w, h, 'b')).toEqual(labelRuns(data, w, h, 'i'));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects negative labels, naming the map', () => {
    expect(() => labelRuns(Int32Array.of(0, -3), 2, 1, 'pred/a/00001.png')).toThrow(
      /^pred\/a\/00001\.png: label -3 is negative/,
    );
  });
});

describe('disk dilation', () => {
  it('equals painting every pixel disk (bit-identical)', () => {
    fc.assert(
      fc.property(labelMaps, fc.integer({ min: 0, max: 6 }), ({ w, h, data }, r) => {
        const b = Uint8Array.from(data, (v) => (v === 1 ? 1 : 0));
        expect(dilateDisk(b, w, h, r)).toEqual(naiveDilate(b, w, h, r));
      }),
      { numRuns: 300 },
    );
  });

  it('matchBoundaries counts, for every pair of labels, exactly the pixels inside the painted dilation', () => {
    fc.assert(
      fc.property(labelMaps, labelMaps, fc.integer({ min: 0, max: 6 }), (a, b, r) => {
        const { w, h } = a;
        // B: the second map cropped/padded to A's size.
        const other = Int32Array.from({ length: w * h }, (_, i) => {
          const x = i % w;
          const y = Math.floor(i / w);
          return x < b.w && y < b.h ? b.data[y * b.w + x]! : 0;
        });
        const lists = (data: Int32Array, labels: number) =>
          Array.from({ length: labels }, (_, k) => {
            const out: number[] = [];
            data.forEach((v, i) => {
              if (v === k + 1) out.push(i);
            });
            return out;
          });
        const la = lists(a.data, a.labels + 1);
        const lb = lists(other, b.labels + 1);
        const got = matchBoundaries(indexBoundaries(la, w, h), indexBoundaries(lb, w, h), diskSpans(r));
        la.forEach((pa, i) => {
          lb.forEach((pb, k) => {
            const mask = new Uint8Array(w * h);
            for (const p of pb) mask[p] = 1;
            const dilated = naiveDilate(mask, w, h, r);
            expect(got[i * lb.length + k], `labels ${i + 1}, ${k + 1}`).toBe(
              pa.filter((p) => dilated[p]).length,
            );
          });
        });
      }),
      { numRuns: 400 },
    );
  });

  it('uses the disk rows of skimage disk(r)', () => {
    expect(Array.from(diskSpans(2))).toEqual([0, 1, 2, 1, 0]);
    expect(Array.from(diskSpans(3))).toEqual([0, 2, 2, 3, 2, 2, 0]);
  });
});

describe('J and F', () => {
  const masks = labelMaps.map(({ w, h, data }) => ({
    w,
    h,
    gt: Uint8Array.from(data, (v) => (v === 1 ? 1 : 0)),
    pred: Uint8Array.from(data, (v) => (v === 2 || v === 1 ? 1 : 0)),
  }));

  it('stay in [0, 1] and are 1 for a perfect prediction', () => {
    fc.assert(
      fc.property(masks, ({ w, h, gt, pred }) => {
        for (const v of [regionJ(pred, gt), boundaryF(pred, gt, w, h)]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(regionJ(gt, gt)).toBe(1);
        expect(boundaryF(gt, gt, w, h)).toBe(1);
      }),
    );
  });

  it('boundaryMap is seg2bmap', () => {
    fc.assert(
      fc.property(masks, ({ w, h, gt }) => {
        expect(boundaryMap(gt, w, h)).toEqual(naiveBoundary(gt, w, h));
      }),
    );
  });
});
