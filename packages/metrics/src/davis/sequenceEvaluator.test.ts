import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryF } from './boundaryF.js';
import { evaluateDavisSequence } from './evaluateSequence.js';
import { regionJ } from './regionJ.js';
import { createDavisSequenceEvaluator, MAX_PROPOSALS } from './sequenceEvaluator.js';

type Ctor = Uint8ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor;

/** A short video of piecewise-constant label maps (rectangles per frame). */
const videos = fc
  .record({
    w: fc.integer({ min: 2, max: 20 }),
    h: fc.integer({ min: 2, max: 16 }),
    frames: fc.integer({ min: 3, max: 6 }),
    ctor: fc.constantFrom<Ctor>(Uint8Array, Uint16Array, Int32Array),
  })
  .chain(({ w, h, frames, ctor }) => {
    const frame = (maxLabel: number, withVoid: boolean) =>
      fc
        .array(
          fc.tuple(
            fc.nat(w - 1),
            fc.nat(h - 1),
            fc.integer({ min: 1, max: w }),
            fc.integer({ min: 1, max: h }),
            withVoid ? fc.oneof(fc.integer({ min: 0, max: maxLabel }), fc.constant(255)) : fc.nat(maxLabel),
          ),
          { maxLength: 5 },
        )
        .map((rects) => {
          const data = new ctor(w * h);
          for (const [x0, y0, rw, rh, v] of rects) {
            for (let y = y0; y < Math.min(h, y0 + rh); y++)
              data.fill(v, y * w + x0, y * w + Math.min(w, x0 + rw));
          }
          return { width: w, height: h, data };
        });
    return fc.record({
      gt: fc.array(frame(3, true), { minLength: frames, maxLength: frames }),
      pred: fc.array(frame(5, false), { minLength: frames, maxLength: frames }),
    });
  });

const binary = (data: ArrayLike<number>, k: number) => Uint8Array.from(data, (v) => (v === k ? 1 : 0));

describe('frame-at-a-time DAVIS evaluator', () => {
  it('unsupervised: every (proposal, object) J and F equals regionJ / boundaryF of the masks with void', () => {
    fc.assert(
      fc.property(videos, ({ gt, pred }) => {
        const ev = createDavisSequenceEvaluator({ protocol: 'unsupervised' });
        let objects = 0;
        for (const v of gt[0]!.data) if (v !== 255 && v > objects) objects = v;
        gt.forEach((g, t) => {
          const r = ev.addFrame(g, pred[t]!);
          expect(r.evaluated).toBe(true);
          expect(r.objects).toBe(objects);
          const voidMask = binary(g.data, 255);
          for (let p = 1; p <= r.proposals; p++) {
            for (let k = 1; k <= objects; k++) {
              const pm = binary(pred[t]!.data, p);
              const gm = binary(g.data, k);
              expect(r.J[(p - 1) * objects + k - 1]).toBe(regionJ(pm, gm, voidMask));
              expect(r.F[(p - 1) * objects + k - 1]).toBe(boundaryF(pm, gm, g.width, g.height, voidMask));
            }
          }
          for (const v of [...r.J, ...r.F]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        });
        const { objects: matched, summary } = ev.finish();
        expect(matched.length).toBe(objects);
        expect(summary.matchingScores?.length).toBe(Math.max(objects, summary.predObjectsRead));
        // Each matched object's per-frame values are that pair's column of the frame results.
        for (const o of matched) expect(o.J.per_frame.length).toBe(gt.length);
      }),
      { numRuns: 150 },
    );
  });

  it('semi-supervised: frames 1..T−2, J and F per object with void as background', () => {
    fc.assert(
      fc.property(videos, ({ gt, pred }) => {
        let objects = 0;
        for (const v of gt[0]!.data) if (v !== 255 && v > objects) objects = v;
        // Prediction ids limited to the GT objects (otherwise the protocol refuses the video).
        const clipped = pred.map((p) => ({ ...p, data: p.data.map((v) => (v > objects ? 0 : v)) }));
        const { objects: result, summary } = evaluateDavisSequence('semi', gt, clipped);
        expect(summary.framesEvaluated).toEqual(Array.from({ length: gt.length - 2 }, (_, i) => i + 1));
        expect(result.length).toBe(objects);
        result.forEach((o, i) => {
          summary.framesEvaluated.forEach((t, n) => {
            const pm = binary(clipped[t]!.data, i + 1);
            const gm = binary(gt[t]!.data, i + 1);
            expect(o.J.per_frame[n]).toBe(regionJ(pm, gm));
            expect(o.F.per_frame[n]).toBe(boundaryF(pm, gm, gt[t]!.width, gt[t]!.height));
          });
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a perfect prediction scores 1 everywhere and is matched to itself', () => {
    fc.assert(
      fc.property(videos, ({ gt }) => {
        let objects = 0;
        for (const v of gt[0]!.data) if (v !== 255 && v > objects) objects = v;
        // Labels above frame 0's largest are not objects (and would be extra ids in the semi protocol).
        const clean = gt.map((g) => ({ ...g, data: g.data.map((v) => (v === 255 || v > objects ? 0 : v)) }));
        for (const protocol of ['semi', 'unsupervised'] as const) {
          const { objects } = evaluateDavisSequence(protocol, clean, clean);
          for (const o of objects) {
            expect(o.predId).toBe(o.gtId);
            expect(o.J.mean).toBe(1);
            expect(o.F.mean).toBe(1);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('names the file and the rule for bad frames', () => {
    const map = (w: number, h: number, v = 0) => ({
      width: w,
      height: h,
      data: new Uint8Array(w * h).fill(v),
    });
    const ev = createDavisSequenceEvaluator({ protocol: 'unsupervised' });
    expect(() => ev.addFrame(map(4, 3), map(3, 4), { pred: 'p/0.png' })).toThrow(
      /^p\/0\.png: size 3×4 does not match the ground truth 4×3/,
    );
    ev.addFrame(map(4, 3, 1), map(4, 3, 2));
    expect(() => ev.addFrame(map(5, 3), map(5, 3), { gt: 'g/1.png' })).toThrow(
      /^g\/1\.png: frame size 5×3 differs from the sequence's first frame 4×3/,
    );
    expect(() => ev.addFrame(map(4, 3), map(4, 3, MAX_PROPOSALS + 1), { pred: 'p/1.png' })).toThrow(
      /^p\/1\.png: proposal id 21 is above the maximum of 20 proposals/,
    );
    expect(() =>
      ev.addFrame(map(4, 3), { width: 4, height: 3, data: new Int32Array(12).fill(-1) }, { pred: 'p/2.png' }),
    ).toThrow(/^p\/2\.png: label -1 is negative/);

    const semi = createDavisSequenceEvaluator({ protocol: 'semi' });
    semi.addFrame(map(4, 3, 1), map(4, 3, 0));
    semi.addFrame(map(4, 3, 1), map(4, 3, 2), { pred: 'p/1.png' }); // id 2 > 1 object: known once frame 1 is not the last
    expect(() => semi.addFrame(map(4, 3, 1), map(4, 3, 1))).toThrow(
      /^p\/1\.png: prediction id 2 is higher than the number of GT objects \(1\)/,
    );
    const short = createDavisSequenceEvaluator({ protocol: 'semi' });
    short.addFrame(map(4, 3, 1), map(4, 3, 1));
    short.addFrame(map(4, 3, 1), map(4, 3, 1));
    expect(() => short.finish()).toThrow(/needs at least 3 frames, got 2/);
  });
});
