import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { randomTensor, seededUniform } from '../slotAttention/slotContrast.testkit.js';
import type { Tensor } from '../tensor/Tensor.js';
import { LabelPropagator, labelsToGrid } from './index.js';

/**
 * CRW `test.py` written literally (padded video, full affinity with a −1e10 radius mask on the short
 * context, top-k over all context tokens, softmax), to check the streaming propagator against.
 */
function crwReference(
  frames: Float32Array[],
  labels0: Float32Array,
  o: { h: number; w: number; n: number; k: number; radius: number; tau: number; c: number; d: number },
): Float32Array[] {
  const p = o.h * o.w;
  const norm = (f: Float32Array) => {
    const out = Float32Array.from(f);
    for (let m = 0; m < p; m++) {
      let s = 0;
      for (let e = 0; e < o.d; e++) s += out[m * o.d + e]! ** 2;
      for (let e = 0; e < o.d; e++) out[m * o.d + e]! /= Math.max(Math.sqrt(s), 1e-12);
    }
    return out;
  };
  const feats = frames.map(norm);
  const padded = [...new Array<number>(o.n).fill(0), ...feats.map((_, i) => i)];
  const lbls: Float32Array[] = padded.map((src) => (src === 0 ? labels0 : new Float32Array(o.c * p)));
  const preds: Float32Array[] = [];
  for (let t = 0; t < frames.length; t++) {
    const target = t + o.n;
    const ctx = [0, ...Array.from({ length: o.n }, (_, i) => t + i)];
    const q = feats[padded[target]!]!;
    const pred = new Float32Array(o.c * p);
    for (let m = 0; m < p; m++) {
      const cand: { s: number; frame: number; i: number }[] = [];
      ctx.forEach((pi, ci) => {
        const f = feats[padded[pi]!]!;
        for (let i = 0; i < p; i++) {
          let s = 0;
          for (let e = 0; e < o.d; e++) s += f[i * o.d + e]! * q[m * o.d + e]!;
          const dy = Math.floor(i / o.w) - Math.floor(m / o.w);
          const dx = (i % o.w) - (m % o.w);
          if (ci > 0 && !(Math.sqrt(dy * dy + dx * dx) < o.radius)) s += -1e10;
          cand.push({ s: s / o.tau, frame: pi, i });
        }
      });
      cand.sort((a, b) => b.s - a.s);
      const top = cand.slice(0, o.k);
      const mx = top[0]!.s;
      const z = top.reduce((a, b) => a + Math.exp(b.s - mx), 0);
      for (const e of top) {
        const wgt = Math.exp(e.s - mx) / z;
        for (let cl = 0; cl < o.c; cl++) pred[cl * p + m]! += wgt * lbls[e.frame]![cl * p + e.i]!;
      }
    }
    if (t > 0) lbls[target] = pred;
    preds.push(t > 0 ? pred : labels0);
  }
  return preds;
}

describe('LabelPropagator', () => {
  it('equals the literal CRW computation (padding, radius, top-k, temperature) frame by frame', () => {
    const o = { h: 4, w: 5, n: 3, k: 4, radius: 2.5, tau: 0.2, c: 3, d: 6 };
    const r = seededUniform(21);
    const frames = Array.from({ length: 7 }, () => randomTensor(r, [o.h * o.w, o.d]).data);
    const labels0 = Float32Array.from({ length: o.c * o.h * o.w }, (_, i) => (i % 3 === 0 ? 1 : 0.25));
    const want = crwReference(frames, labels0, o);
    const prop = new LabelPropagator({
      gridHeight: o.h,
      gridWidth: o.w,
      contextFrames: o.n,
      topK: o.k,
      radius: o.radius,
      temperature: o.tau,
    });
    const got: Tensor[] = [
      prop.start({ data: frames[0]!, dims: [20, o.d] }, { data: labels0, dims: [o.c, 20] }),
    ];
    for (let t = 1; t < frames.length; t++) got.push(prop.step({ data: frames[t]!, dims: [20, o.d] }));
    for (let t = 0; t < frames.length; t++) {
      for (let i = 0; i < want[t]!.length; i++) expect(got[t]!.data[i]).toBeCloseTo(want[t]![i]!, 5);
    }
    // Memory: the first frame and the n previous frames only.
    expect(prop.framesInMemory).toBeLessThanOrEqual(o.n + 1);
  });

  it('keeps memory bounded by the context over a long stream', () => {
    const prop = new LabelPropagator({ gridHeight: 2, gridWidth: 2, contextFrames: 4, topK: 2 });
    const r = seededUniform(3);
    prop.start(randomTensor(r, [4, 3]), { data: Float32Array.from([1, 0, 1, 0, 0, 1, 0, 1]), dims: [2, 4] });
    for (let t = 0; t < 50; t++) prop.step(randomTensor(r, [4, 3]));
    expect(prop.framesInMemory).toBe(5);
  });

  it('rejects a step before start, and features of another width or grid', () => {
    const prop = new LabelPropagator({ gridHeight: 2, gridWidth: 2 });
    expect(() => prop.step(randomTensor(seededUniform(1), [4, 3]))).toThrow(/call start/);
    prop.start(randomTensor(seededUniform(1), [4, 3]), { data: new Float32Array(8), dims: [2, 4] });
    expect(() => prop.step(randomTensor(seededUniform(1), [4, 5]))).toThrow(
      'features: has dims [4,5], expected [4,D=3]',
    );
    expect(() => new LabelPropagator({ gridHeight: 0, gridWidth: 2 })).toThrow(InputError);
  });
});

describe('labelsToGrid', () => {
  it('averages 2×2 blocks of the one-hot map when halving the size', () => {
    const labels = Uint8Array.from([0, 1, 1, 1, 0, 0, 1, 1]); // 2×4
    const grid = labelsToGrid(labels, 2, 2, 4, 1, 2);
    expect(Array.from(grid.data)).toEqual([0.75, 0, 0.25, 1]);
  });
});
