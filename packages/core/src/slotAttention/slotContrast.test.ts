import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import type { Tensor } from '../tensor/Tensor.js';
import {
  gruCell,
  mlpDecoder,
  readSlotContrastWeights,
  slotAttention,
  slotContrastForward,
  slotContrastStep,
  transformerBlock,
} from './index.js';
import { randomSlotContrastStateDict, randomTensor, seededUniform } from './slotContrast.testkit.js';

const t = (data: number[], dims: number[]): Tensor<Float64Array> => ({ data: Float64Array.from(data), dims });
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const sizes = { K: 3, S: 8, D: 6, P: 5, H: 16 };
const dict = randomSlotContrastStateDict(7, sizes);
const weights = readSlotContrastWeights(dict);

describe('gruCell', () => {
  it('is nn.GRUCell for one unit (gate order r, z, n)', () => {
    const x = 0.7;
    const h = -0.4;
    const wi = [0.5, -1, 2];
    const wh = [1.5, 0.25, -0.5];
    const bi = [0.1, 0.2, 0.3];
    const bh = [-0.1, 0.05, 0.4];
    const r = sig(wi[0]! * x + bi[0]! + wh[0]! * h + bh[0]!);
    const z = sig(wi[1]! * x + bi[1]! + wh[1]! * h + bh[1]!);
    const n = Math.tanh(wi[2]! * x + bi[2]! + r * (wh[2]! * h + bh[2]!));
    const out = gruCell(t([x], [1, 1]), t([h], [1, 1]), {
      weightIh: t(wi, [3, 1]),
      weightHh: t(wh, [3, 1]),
      biasIh: t(bi, [3]),
      biasHh: t(bh, [3]),
    });
    expect(out.data[0]).toBeCloseTo((1 - z) * n + z * h, 14);
  });
});

describe('slotAttention', () => {
  it('with one slot attends everywhere and adds the mean value to the normalised slot (no GRU, no MLP)', () => {
    const s = 2;
    const ones = t([1, 1], [2]);
    const zeros = t([0, 0], [2]);
    const identity = t([1, 0, 0, 1], [2, 2]);
    const features = t([1, 3, 2, 0, 5, 4], [3, 2]);
    const res = slotAttention(
      t([4, 1], [1, s]),
      features,
      {
        toQ: identity,
        toK: identity,
        toV: identity,
        normFeatures: { weight: ones, bias: zeros },
        normSlots: { weight: ones, bias: zeros },
      },
      { iterations: 1 },
    );
    expect(Array.from(res.attention.data)).toEqual([1, 1, 1]);
    // LN over 2 channels gives ±1 (up to eps 1e-5): features → [-1,1],[1,-1],[1,-1]; slot → [1,-1].
    const ln = (a: number, b: number) => {
      const m = (a + b) / 2;
      const sd = Math.sqrt(((a - m) ** 2 + (b - m) ** 2) / 2 + 1e-5);
      return [(a - m) / sd, (b - m) / sd];
    };
    const rows = [ln(1, 3), ln(2, 0), ln(5, 4)];
    const mean = [0, 1].map((c) => (rows[0]![c]! + rows[1]![c]! + rows[2]![c]!) / 3);
    const slot = ln(4, 1);
    expect(res.slots.data[0]).toBeCloseTo(slot[0]! + mean[0]!, 6);
    expect(res.slots.data[1]).toBeCloseTo(slot[1]! + mean[1]!, 6);
  });
  it('is equivariant to permuting the initial slots', () => {
    const r = seededUniform(3);
    const features = randomTensor(r, [sizes.P, sizes.S]);
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }), (perm) => {
        const init = weights.initSlots;
        const permuted = t(
          perm.flatMap((k) => Array.from(init.data.subarray(k * sizes.S, (k + 1) * sizes.S))),
          [3, sizes.S],
        );
        const a = slotAttention(init, features, weights.corrector, { iterations: 3 });
        const b = slotAttention(permuted, features, weights.corrector, { iterations: 3 });
        perm.forEach((k, i) => {
          for (let c = 0; c < sizes.S; c++)
            expect(b.slots.data[i * sizes.S + c]).toBeCloseTo(a.slots.data[k * sizes.S + c]!, 10);
          for (let p = 0; p < sizes.P; p++)
            expect(b.attention.data[i * sizes.P + p]).toBeCloseTo(a.attention.data[k * sizes.P + p]!, 10);
        });
      }),
      { numRuns: 6 },
    );
  });
  it('rejects zero iterations and a mismatched key width', () => {
    expect(() =>
      slotAttention(weights.initSlots, randomTensor(seededUniform(1), [4, sizes.S]), weights.corrector, {
        iterations: 0,
      }),
    ).toThrow(InputError);
    expect(() =>
      slotAttention(weights.initSlots, randomTensor(seededUniform(1), [4, 5]), weights.corrector, {
        iterations: 1,
      }),
    ).toThrow('to_k.weight: has dims [8,8], expected [d=8,Din=5]');
  });
});

describe('transformerBlock (predictor)', () => {
  it('multiplies the attention logits by √d_h (official) and differs from the textbook scale', () => {
    const p = weights.predictor;
    const x = randomTensor(seededUniform(9), [3, sizes.S]);
    const official = transformerBlock(x, p, { heads: 4 });
    const standard = transformerBlock(x, p, { heads: 4, logitScale: 'standard' });
    let diff = 0;
    for (let i = 0; i < official.data.length; i++)
      diff = Math.max(diff, Math.abs(official.data[i]! - standard.data[i]!));
    expect(diff).toBeGreaterThan(1e-4);
    expect(official.dims).toEqual([3, sizes.S]);
  });
  it('with a single slot attends to itself: x + out_proj(v) + FF', () => {
    const p = weights.predictor;
    const s = sizes.S;
    const x = randomTensor(seededUniform(10), [1, s]);
    const y = transformerBlock(x, p, { heads: 2 });
    const mean = x.data.reduce((a, b) => a + b, 0) / s;
    const variance = x.data.reduce((a, b) => a + (b - mean) ** 2, 0) / s;
    const h = Array.from(
      x.data,
      (v, c) => ((v - mean) / Math.sqrt(variance + 1e-5)) * p.norm1.weight.data[c]! + p.norm1.bias.data[c]!,
    );
    const v = Array.from({ length: s }, (_, o) => {
      let acc = p.qkv.bias!.data[2 * s + o]!;
      for (let c = 0; c < s; c++) acc += p.qkv.weight.data[(2 * s + o) * s + c]! * h[c]!;
      return acc;
    });
    const att = Array.from({ length: s }, (_, o) => {
      let acc = p.outProj.bias!.data[o]!;
      for (let c = 0; c < s; c++) acc += p.outProj.weight.data[o * s + c]! * v[c]!;
      return acc;
    });
    const x1 = Array.from(x.data, (a, c) => a + att[c]!);
    const m1 = x1.reduce((a, b) => a + b, 0) / s;
    const v1 = x1.reduce((a, b) => a + (b - m1) ** 2, 0) / s;
    const h2 = x1.map(
      (a, c) => ((a - m1) / Math.sqrt(v1 + 1e-5)) * p.norm2.weight.data[c]! + p.norm2.bias.data[c]!,
    );
    const f = p.linear1.weight.dims[0]!;
    const hidden = Array.from({ length: f }, (_, o) => {
      let acc = p.linear1.bias!.data[o]!;
      for (let c = 0; c < s; c++) acc += p.linear1.weight.data[o * s + c]! * h2[c]!;
      return Math.max(acc, 0);
    });
    for (let o = 0; o < s; o++) {
      let acc = p.linear2.bias!.data[o]!;
      for (let c = 0; c < f; c++) acc += p.linear2.weight.data[o * f + c]! * hidden[c]!;
      expect(y.data[o]).toBeCloseTo(x1[o]! + acc, 10);
    }
  });
  it('rejects a head count that does not divide S', () => {
    expect(() =>
      transformerBlock(randomTensor(seededUniform(1), [3, sizes.S]), weights.predictor, { heads: 3 }),
    ).toThrow(/heads/);
  });
});

describe('mlpDecoder', () => {
  it('masks sum to one over slots and identical slots share each token equally', () => {
    const same = t(
      Array.from({ length: 3 * sizes.S }, (_, i) => (i % sizes.S) / sizes.S),
      [3, sizes.S],
    );
    const { masks, reconstruction } = mlpDecoder(same, weights.decoder);
    expect(reconstruction.dims).toEqual([sizes.P, sizes.D]);
    for (let p = 0; p < sizes.P; p++)
      for (let k = 0; k < 3; k++) expect(masks.data[k * sizes.P + p]).toBeCloseTo(1 / 3, 12);
    const other = mlpDecoder(weights.initSlots, weights.decoder).masks;
    for (let p = 0; p < sizes.P; p++) {
      expect(other.data[p]! + other.data[sizes.P + p]! + other.data[2 * sizes.P + p]!).toBeCloseTo(1, 12);
    }
  });
});

describe('readSlotContrastWeights and the forward', () => {
  it('infers the sizes from the official keys and uses the official schedule by default', () => {
    expect(weights.config).toEqual({
      slots: 3,
      slotDim: 8,
      featureDim: 6,
      patches: 5,
      iterationsFirst: 3,
      iterationsNext: 2,
      predictorHeads: 4,
      eps: 1e-8,
    });
    expect(weights.adapter.norm).toBeDefined();
    expect(weights.decoder.mlp.layers).toHaveLength(3);
  });
  it('names a missing key', () => {
    const { 'processor.module.corrector.to_q.weight': _, ...rest } = dict;
    expect(() => readSlotContrastWeights(rest)).toThrow(
      'processor.module.corrector.to_q.weight: missing from the weights',
    );
  });
  it('carries the predicted slots to the next frame, frame by frame as in the batched forward', () => {
    const r = seededUniform(5);
    const features = randomTensor(r, [2, 3, sizes.P, sizes.D]);
    const all = slotContrastForward(weights, features);
    expect(all.slots.dims).toEqual([2, 3, 3, 8]);
    const frame = sizes.P * sizes.D;
    let init: Tensor | undefined;
    for (let f = 0; f < 3; f++) {
      const step = slotContrastStep(
        weights,
        { data: features.data.subarray((3 + f) * frame, (4 + f) * frame), dims: [sizes.P, sizes.D] },
        init,
      );
      const off = (3 + f) * 3 * sizes.S;
      expect(Array.from(all.slots.data.subarray(off, off + 3 * sizes.S))).toEqual(
        Array.from(step.slots.data),
      );
      init = step.nextInit;
    }
    // The first frame uses 3 iterations from the learned slots, a later frame 2 from the prediction.
    const first = slotContrastStep(weights, {
      data: features.data.subarray(0, frame),
      dims: [sizes.P, sizes.D],
    });
    const wrongSchedule = readSlotContrastWeights(dict, { iterationsFirst: 2 });
    const other = slotContrastStep(wrongSchedule, {
      data: features.data.subarray(0, frame),
      dims: [sizes.P, sizes.D],
    });
    expect(Math.abs(first.slots.data[0]! - other.slots.data[0]!)).toBeGreaterThan(1e-6);
  });
  it('rejects NaN features naming the argument', () => {
    const bad = randomTensor(seededUniform(1), [sizes.P, sizes.D]);
    bad.data[3] = Number.NaN;
    expect(() => slotContrastStep(weights, bad)).toThrow('features: value 3 is NaN');
  });
});
