import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { type RgbFrame, rgbaToRgb, rgbToRgba, validateFrame } from './frame.js';
import { overlayLabels } from './overlay.js';
import { FramePreprocessor, frameToPlanar, normalizePlanar, preprocessFrame } from './preprocess.js';
import { resizeBicubic } from './resize.js';

const spec = { height: 14, width: 10, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

function randomFrame(w: number, h: number, format: 'rgb' | 'rgba', seed: number): RgbFrame {
  const bpp = format === 'rgb' ? 3 : 4;
  let s = seed >>> 0;
  const data = Uint8Array.from({ length: w * h * bpp }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
  return { data, width: w, height: h, format };
}

describe('FramePreprocessor', () => {
  it('equals frame/255 → bicubic resize → (x − mean)/std, for RGB and RGBA alike', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.nat(),
        (w, h, seed) => {
          const rgba = randomFrame(w, h, 'rgba', seed);
          const reference = normalizePlanar(
            resizeBicubic(frameToPlanar(rgba), 3, h, w, spec.height, spec.width),
            spec.mean,
            spec.std,
          );
          const pre = new FramePreprocessor(spec);
          const a = pre.run(rgba);
          const b = pre.run(rgbaToRgb(rgba));
          for (let i = 0; i < reference.length; i++) {
            expect(Math.abs(a[i]! - reference[i]!)).toBeLessThan(1e-5);
            expect(b[i]).toBe(a[i]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes into a batch buffer at an offset and reuses its tables across sizes', () => {
    const pre = new FramePreprocessor(spec);
    const batch = new Float32Array(2 * pre.frameSize).fill(Number.NaN);
    const f0 = randomFrame(16, 12, 'rgb', 1);
    const f1 = randomFrame(7, 9, 'rgb', 2);
    pre.run(f0, batch, 0);
    pre.run(f1, batch, pre.frameSize);
    expect(Array.from(batch.subarray(0, pre.frameSize))).toEqual(Array.from(preprocessFrame(f0, spec)));
    expect(Array.from(batch.subarray(pre.frameSize))).toEqual(Array.from(preprocessFrame(f1, spec)));
    expect(() => pre.run(f0, batch, pre.frameSize + 1)).toThrow(/no room/);
  });

  it('maps valueRange before normalising', () => {
    const white: RgbFrame = { data: new Uint8Array(4 * 3).fill(255), width: 2, height: 2, format: 'rgb' };
    const out = preprocessFrame(white, {
      height: 2,
      width: 2,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      valueRange: [-1, 1],
    });
    for (const v of out) expect(v).toBeCloseTo(1, 6);
  });

  it('rejects bad specs and bad frames with an InputError naming them', () => {
    expect(() => new FramePreprocessor({ ...spec, std: [1, 0, 1] })).toThrow(/input\.std/);
    expect(() => new FramePreprocessor({ ...spec, mean: [1, 2] })).toThrow(/input\.mean/);
    expect(() => new FramePreprocessor({ ...spec, height: 0 })).toThrow(/input\.height/);
    const pre = new FramePreprocessor(spec);
    expect(() =>
      pre.run({ data: new Uint8Array(5), width: 2, height: 2, format: 'rgb' }, undefined, 0, 'frame 3'),
    ).toThrow(/frame 3: RGB data of 2×2 needs 12 bytes, got 5/);
    expect(() =>
      pre.run({ data: new Float32Array(12), width: 2, height: 2, format: 'rgb' } as never),
    ).toThrow(InputError);
    expect(() => validateFrame('a string')).toThrow(/expected an RGB\/RGBA frame/);
    expect(() => validateFrame({ data: new Uint8Array(12), width: 2, height: 2, format: 'bgr' })).toThrow(
      /format/,
    );
  });
});

describe('RGB/RGBA packing and overlays', () => {
  it('round-trips RGB → RGBA → RGB', () => {
    const f = randomFrame(5, 3, 'rgb', 9);
    const rgba = rgbToRgba(f);
    expect(rgba.data.length).toBe(60);
    expect(rgba.data[3]).toBe(255);
    expect(Array.from(rgbaToRgb(rgba).data)).toEqual(Array.from(f.data));
  });

  it('blends palette colours where the label is non-zero', () => {
    const f: RgbFrame = {
      data: Uint8Array.from([100, 100, 100, 0, 0, 0]),
      width: 2,
      height: 1,
      format: 'rgb',
    };
    const palette = Uint8Array.from([0, 0, 0, 200, 0, 50]);
    const out = overlayLabels(f, [0, 1], palette, 0.5);
    expect(Array.from(out.data)).toEqual([100, 100, 100, 100, 0, 25]);
    expect(() => overlayLabels(f, [0], palette)).toThrow(/overlay labels/);
  });
});
