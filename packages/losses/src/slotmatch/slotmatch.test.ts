import { InputError } from '@slotmatch/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectGradient, randomTensor } from '../common/gradcheck.testkit.js';
import { reconstructionLoss, slotContrastLoss, slotKdLoss, slotMatchLoss } from './index.js';

describe('reconstructionLoss', () => {
  it('is the mean squared error with its gradients', () => {
    const r = reconstructionLoss(
      { data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] },
      { data: Float32Array.from([1, 0, 0, 4]), dims: [2, 2] },
    );
    expect(r.value).toBe(13 / 4);
    expect(Array.from(r.grads.recon.data)).toEqual([0, 1, 1.5, 0]);
    expect(Array.from(r.grads.target.data)).toEqual([-0, -1, -1.5, -0]);
  });
  it('names the argument at fault', () => {
    const a = randomTensor([2, 3], 1);
    expect(() => reconstructionLoss(a, randomTensor([3, 2], 2))).toThrow(
      'target: has dims [3,2], expected [D0=2,D1=3]',
    );
    const bad = randomTensor([2, 3], 3);
    bad.data[4] = Number.NaN;
    expect(() => reconstructionLoss(a, bad)).toThrow('target: value 4 is NaN');
  });
});

describe('slotContrastLoss', () => {
  it('gives −log(e^{1/τ}/(e^{1/τ} + N − 1)) for orthogonal slots constant over time', () => {
    const B = 2;
    const K = 3;
    const T = 3;
    const S = 6;
    const slots = new Float64Array(B * T * K * S);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let k = 0; k < K; k++) slots[((b * T + t) * K + k) * S + b * K + k] = 7;
    const r = slotContrastLoss({ data: slots, dims: [B, T, K, S] });
    expect(r.value).toBeCloseTo(Math.log(1 + 5 * Math.exp(-10)), 14);
  });

  it('has the gradient of its finite differences', () => {
    const slots = randomTensor([2, 3, 4, 5], 11);
    const r = slotContrastLoss(slots, { temperature: 0.2 });
    expectGradient(() => slotContrastLoss(slots, { temperature: 0.2 }).value, slots, r.grads.slots, {
      name: 'slots',
    });
  });

  it('is invariant to a consistent permutation of the slots (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 6 }), (seed, K) => {
        const B = 2;
        const T = 3;
        const S = 4;
        const slots = randomTensor([B, T, K, S], seed);
        const perm = Array.from({ length: K }, (_, k) => k).sort(
          (a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13),
        );
        const permuted = new Float64Array(slots.data.length);
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++)
            for (let k = 0; k < K; k++)
              for (let i = 0; i < S; i++)
                permuted[((b * T + t) * K + k) * S + i] = slots.data[((b * T + t) * K + perm[k]!) * S + i]!;
        const a = slotContrastLoss(slots).value;
        const b = slotContrastLoss({ data: permuted, dims: slots.dims }).value;
        expect(b).toBeCloseTo(a, 12);
      }),
      { numRuns: 40 },
    );
  });

  it('equals a log-sum-exp reference on both sides of the unshifted-softmax limit (1/τ = 300)', () => {
    const [B, T, K, S] = [2, 3, 2, 4];
    const slots = randomTensor([B, T, K, S], 31);
    const N = B * K;
    const unit = (b: number, t: number, k: number) => {
      const o = ((b * T + t) * K + k) * S;
      const v = Array.from(slots.data.subarray(o, o + S));
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    for (const tau of [0.1, 1 / 299, 1 / 301, 1e-3]) {
      let expected = 0;
      for (let t = 0; t + 1 < T; t++) {
        for (let j = 0; j < N; j++) {
          const anchor = unit(Math.floor(j / K), t + 1, j % K);
          const logits = Array.from(
            { length: N },
            (_, i) => anchor.reduce((acc, x, q) => acc + x * unit(Math.floor(i / K), t, i % K)[q]!, 0) / tau,
          );
          const max = Math.max(...logits);
          expected += max + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - max), 0)) - logits[j]!;
        }
      }
      expected /= (T - 1) * N;
      const value = slotContrastLoss(slots, { temperature: tau }).value;
      expect(Number.isFinite(value)).toBe(true);
      expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
    }
  });
  it('is anchored at t+1 (reversing time changes it)', () => {
    const slots = randomTensor([2, 2, 4, 5], 12);
    const rev = new Float64Array(slots.data.length);
    const frame = 4 * 5;
    for (let b = 0; b < 2; b++)
      for (let t = 0; t < 2; t++)
        rev.set(slots.data.subarray((b * 2 + t) * frame, (b * 2 + t + 1) * frame), (b * 2 + 1 - t) * frame);
    expect(slotContrastLoss({ data: rev, dims: slots.dims }).value).not.toBeCloseTo(
      slotContrastLoss(slots).value,
      6,
    );
  });

  it('refuses one frame, a wrong rank and a bad temperature', () => {
    expect(() => slotContrastLoss(randomTensor([2, 1, 3, 4], 1))).toThrow('slots: has T=1 frames');
    expect(() => slotContrastLoss(randomTensor([2, 3, 4], 1))).toThrow(
      'slots: has dims [2,3,4], expected [B,T,K,S]',
    );
    expect(() => slotContrastLoss(randomTensor([2, 2, 3, 4], 1), { temperature: 0 })).toThrow(InputError);
  });
});

describe('slotKdLoss', () => {
  it('is 0 for identical slots (any scale) and 2 for opposite ones (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.constantFrom<'index' | 'hungarian'>('index', 'hungarian'),
        (seed, scale, correspondence) => {
          const t = randomTensor([2, 2, 4, 6], seed);
          const s = { data: t.data.map((v) => v * scale), dims: t.dims };
          expect(slotKdLoss(t, s, { correspondence }).value).toBeCloseTo(0, 12);
          const neg = { data: t.data.map((v) => -v), dims: t.dims };
          expect(slotKdLoss(t, neg).value).toBeCloseTo(2, 12);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('Hungarian undoes a permutation of the student slots; index does not', () => {
    const t = randomTensor([1, 2, 5, 8], 21);
    const perm = [3, 0, 4, 1, 2];
    const s = new Float64Array(t.data.length);
    for (let f = 0; f < 2; f++)
      for (let k = 0; k < 5; k++)
        for (let i = 0; i < 8; i++) s[(f * 5 + k) * 8 + i] = t.data[(f * 5 + perm[k]!) * 8 + i]!;
    const student = { data: s, dims: t.dims };
    const h = slotKdLoss(t, student, { correspondence: 'hungarian' });
    expect(h.value).toBeCloseTo(0, 12);
    expect(Array.from(h.matching.subarray(0, 5))).toEqual([1, 3, 4, 0, 2]);
    expect(slotKdLoss(t, student).value).toBeGreaterThan(0.1);
  });

  it('has the gradients of its finite differences (index, Hungarian, projection)', () => {
    const t = randomTensor([2, 2, 3, 4], 31);
    const s = randomTensor([2, 2, 3, 4], 32);
    for (const correspondence of ['index', 'hungarian'] as const) {
      const r = slotKdLoss(t, s, { correspondence });
      const f = () => slotKdLoss(t, s, { correspondence }).value;
      expectGradient(f, t, r.grads.teacher, { name: `${correspondence} teacher` });
      expectGradient(f, s, r.grads.student, { name: `${correspondence} student` });
    }
    const narrow = randomTensor([2, 2, 3, 3], 33);
    const weight = randomTensor([4, 3], 34);
    const bias = randomTensor([4], 35);
    const projection = { weight, bias };
    const r = slotKdLoss(t, narrow, { projection, correspondence: 'hungarian' });
    const f = () => slotKdLoss(t, narrow, { projection, correspondence: 'hungarian' }).value;
    expectGradient(f, narrow, r.grads.student, { name: 'projected student' });
    expectGradient(f, weight, r.grads.projectionWeight!, { name: 'projection weight' });
    expectGradient(f, bias, r.grads.projectionBias!, { name: 'projection bias' });
  });

  it('names the argument at fault', () => {
    const t = randomTensor([2, 2, 3, 4], 1);
    expect(() => slotKdLoss(t, randomTensor([2, 2, 3, 5], 2))).toThrow(
      "student: has width S'=5 but the teacher has S=4",
    );
    expect(() => slotKdLoss(t, randomTensor([2, 3, 3, 4], 2))).toThrow(
      "student: has dims [2,3,3,4], expected [B=2,T=2,K=3,S']",
    );
    expect(() =>
      slotKdLoss(t, randomTensor([2, 2, 3, 5], 2), { projection: { weight: randomTensor([5, 4], 3) } }),
    ).toThrow("options.projection.weight: has dims [5,4], expected [S=4,S'=5]");
  });
});

describe('slotMatchLoss', () => {
  it('is L_rec + α·L_contrast + β·L_KD with the matching gradients', () => {
    const recon = randomTensor([2, 2, 3, 4], 41);
    const target = randomTensor([2, 2, 3, 4], 42);
    const studentSlots = randomTensor([2, 3, 4, 5], 43);
    const teacherSlots = randomTensor([2, 3, 4, 5], 44);
    const inputs = { recon, target, studentSlots, teacherSlots };
    const r = slotMatchLoss(inputs, { alpha: 0.3, beta: 2 });
    expect(r.value).toBeCloseTo(r.terms.reconstruction + 0.3 * r.terms.contrast + 2 * r.terms.kd, 14);
    expect(r.terms.contrast).toBeCloseTo(slotContrastLoss(studentSlots).value, 14);
    const f = () => slotMatchLoss(inputs, { alpha: 0.3, beta: 2 }).value;
    expectGradient(f, studentSlots, r.grads.studentSlots, { name: 'studentSlots' });
    expectGradient(f, recon, r.grads.recon, { name: 'recon' });
    expect(Object.keys(r.grads)).not.toContain('teacherSlots');
  });
});

describe('finiteness checked from the value (reconstruction, contrast, index/projected slot KD)', () => {
  const bads = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  /** `t` with value `v` at index `i` (a copy). */
  const poisoned = (t: { data: Float64Array; dims: readonly number[] }, i: number, v: number) => {
    const data = t.data.slice();
    data[i] = v;
    return { data, dims: t.dims };
  };
  it('throws InputError naming the argument and the first non-finite value, wherever it is', () => {
    for (const v of bads) {
      const r = randomTensor([2, 3, 4], 1);
      const t = randomTensor([2, 3, 4], 2);
      expect(() => reconstructionLoss(r, poisoned(t, 23, v))).toThrow(`target: value 23 is ${v}`);
      expect(() => reconstructionLoss(poisoned(r, 0, v), t)).toThrow(`recon: value 0 is ${v}`);
      const slots = randomTensor([2, 3, 4, 5], 3);
      for (const i of [0, 57, 119])
        expect(() => slotContrastLoss(poisoned(slots, i, v))).toThrow(`slots: value ${i} is ${v}`);
      const teacher = randomTensor([2, 2, 3, 4], 4);
      const student = randomTensor([2, 2, 3, 2], 5);
      const weight = randomTensor([4, 2], 6);
      const bias = randomTensor([4], 7);
      expect(() => slotKdLoss(poisoned(teacher, 47, v), poisoned(teacher, 3, 1))).toThrow(
        `teacher: value 47 is ${v}`,
      );
      expect(() =>
        slotKdLoss(teacher, student, { projection: { weight, bias: poisoned(bias, 3, v) } }),
      ).toThrow(`options.projection.bias: value 3 is ${v}`);
      expect(() =>
        slotKdLoss(teacher, student, { projection: { weight: poisoned(weight, 5, v), bias } }),
      ).toThrow(`options.projection.weight: value 5 is ${v}`);
      expect(() => slotKdLoss(teacher, poisoned(student, 11, v), { projection: { weight, bias } })).toThrow(
        `student: value 11 is ${v}`,
      );
      expect(() =>
        slotKdLoss(teacher, poisoned(student, 11, v), {
          correspondence: 'hungarian',
          projection: { weight },
        }),
      ).toThrow(InputError);
    }
  });
});
