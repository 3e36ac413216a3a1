import { sinkhornPlan } from '@slotmatch/core';
import { describe, expect, it } from 'vitest';
import { expectGradient, randomTensor } from '../common/gradcheck.testkit.js';
import {
  instanceConsistencyLoss,
  semanticConsistencyLoss,
  slotDiversityLoss,
  validInstances,
} from './index.js';

const t64 = (values: number[], dims: number[]) => ({ data: Float64Array.from(values), dims });

describe('semanticConsistencyLoss', () => {
  it('equals a direct evaluation of Σ Π·CE over ordered frame pairs', () => {
    const [B, T, S, N, C] = [1, 3, 3, 4, 5];
    const ls = randomTensor([B, T, S, N], 1, 2);
    const lt = randomTensor([B, T, S, N], 2, 2);
    const tok = randomTensor([B, T, N, C], 3);
    const soft = (l: Float64Array, f: number, n: number) => {
      const e = Array.from({ length: S }, (_, s) => Math.exp(l[(f * S + s) * N + n]!));
      const z = e.reduce((a, b) => a + b);
      return e.map((v) => v / z);
    };
    const unit = (f: number, n: number) => {
      const v = Array.from({ length: C }, (_, c) => tok.data[(f * N + n) * C + c]!);
      const nrm = Math.hypot(...v);
      return v.map((x) => x / nrm);
    };
    let total = 0;
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        if (i === j) continue;
        const cost: number[] = [];
        for (let n = 0; n < N; n++)
          for (let m = 0; m < N; m++)
            cost.push(1 - unit(i, n).reduce((a, x, c) => a + x * unit(j, m)[c]!, 0));
        const mu = (f: number) =>
          Array.from({ length: N }, (_, n) => unit(f, n).reduce((a, x) => a + Math.abs(x), 0));
        const plan = sinkhornPlan(mu(i), mu(j), cost, N, N);
        for (let n = 0; n < N; n++) {
          for (let m = 0; m < N; m++) {
            const ps = soft(ls.data, i, n);
            const pt = soft(lt.data, j, m);
            const ce = -pt.reduce((a, p, s) => a + p * Math.log(ps[s]! + 1e-8), 0);
            total += plan[n * N + m]! * ce;
          }
        }
      }
    }
    expect(semanticConsistencyLoss(ls, lt, tok).value).toBeCloseTo(total / (B * T * (T - 1)), 12);
  });

  it('has the gradient of its finite differences', () => {
    const ls = randomTensor([2, 3, 4, 6], 4, 2);
    const lt = randomTensor([2, 3, 4, 6], 5, 2);
    const tok = randomTensor([2, 3, 6, 5], 6);
    const r = semanticConsistencyLoss(ls, lt, tok);
    expectGradient(() => semanticConsistencyLoss(ls, lt, tok).value, ls, r.grads.studentLogits, {
      name: 'studentLogits',
    });
  });

  it('names the argument at fault', () => {
    const l = randomTensor([1, 2, 3, 4], 1);
    expect(() => semanticConsistencyLoss(l, l, randomTensor([1, 2, 5, 3], 2))).toThrow(
      'teacherTokens: has dims [1,2,5,3], expected [B=1,T=2,N=4,C]',
    );
    expect(() =>
      semanticConsistencyLoss(
        randomTensor([1, 1, 3, 4], 1),
        randomTensor([1, 1, 3, 4], 1),
        randomTensor([1, 1, 4, 2], 1),
      ),
    ).toThrow('studentLogits: has T=1 frames');
  });
});

describe('slotDiversityLoss', () => {
  it('is ≈ 0 for disjoint hard masks and 1 for identical masks', () => {
    const hard = new Float64Array(3 * 6).fill(-50);
    for (let n = 0; n < 6; n++) hard[(n % 3) * 6 + n] = 50;
    expect(slotDiversityLoss({ data: hard, dims: [1, 1, 3, 6] }).value).toBeCloseTo(0, 7);
    expect(
      slotDiversityLoss({ data: new Float64Array(2 * 2 * 4 * 5), dims: [2, 2, 4, 5] }).value,
    ).toBeCloseTo(1, 12);
  });
  it('has the gradient of its finite differences', () => {
    const l = randomTensor([2, 2, 4, 7], 7, 2);
    const r = slotDiversityLoss(l);
    expectGradient(() => slotDiversityLoss(l).value, l, r.grads.logits, { name: 'logits' });
  });
});

describe('instanceConsistencyLoss', () => {
  it('gives the hand-checked values (matching, margin)', () => {
    // Orthogonal instances, teacher swapped: matching pairs the copies (cos 1), negatives are orthogonal.
    const z = t64([1, 0, 0, 1, 1, 0, 0, 1], [1, 2, 1, 2, 2]);
    const zt = t64([0, 1, 1, 0, 0, 1, 1, 0], [1, 2, 1, 2, 2]);
    const ones = t64([1, 1, 1, 1], [1, 2, 1, 2]);
    expect(instanceConsistencyLoss(z, zt, ones, ones).value).toBeCloseTo(-1, 9);
    // p0↔q0 (cos 1), p1↔q1 (cos 0.6); negatives p0·q1 = 0.8 → ReLU 0.3, p1·q0 = 0 → 0.
    const a = t64([1, 0, 0, 1], [1, 1, 1, 2, 2]);
    const b = t64([1, 0, 0.8, 0.6], [1, 1, 1, 2, 2]);
    const v = t64([1, 1], [1, 1, 1, 2]);
    expect(instanceConsistencyLoss(a, b, v, v).value).toBeCloseTo((0.3 - 1 + (0 - 0.6)) / 2, 9);
    // An invalid teacher partner drops the positive term.
    expect(instanceConsistencyLoss(a, b, v, t64([1, 0], [1, 1, 1, 2])).value).toBeCloseTo(
      (0.3 - 1 + 0) / 2,
      9,
    );
  });
  it('has the gradient of its finite differences', () => {
    const common = randomTensor([2, 2, 3, 1, 6], 8);
    const noise = randomTensor([2, 2, 3, 4, 6], 9, 0.5);
    const noiseT = randomTensor([2, 2, 3, 4, 6], 10, 0.5);
    const objects = {
      data: noise.data.map((x, i) => x + common.data[Math.floor(i / 24) * 6 + (i % 6)]!),
      dims: noise.dims,
    };
    const teacher = {
      data: noiseT.data.map((x, i) => x + common.data[Math.floor(i / 24) * 6 + (i % 6)]!),
      dims: noise.dims,
    };
    const valid = {
      data: Float64Array.from({ length: 48 }, (_, i) => (i % 5 === 0 ? 0 : 1)),
      dims: [2, 2, 3, 4],
    };
    const r = instanceConsistencyLoss(objects, teacher, valid, valid);
    expectGradient(
      () => instanceConsistencyLoss(objects, teacher, valid, valid).value,
      objects,
      r.grads.objects,
      {
        name: 'objects',
        h: 1e-7,
      },
    );
  });
  it('names the argument at fault', () => {
    const o = randomTensor([1, 1, 2, 3, 4], 1);
    expect(() =>
      instanceConsistencyLoss(o, o, randomTensor([1, 1, 2, 2], 2), randomTensor([1, 1, 2, 3], 3)),
    ).toThrow('valid: has dims [1,1,2,2], expected [B=1,T=1,S=2,P=3]');
  });
});

describe('validInstances', () => {
  it('applies the area and similarity thresholds', () => {
    const logits = t64([5, 5, 5, 5, 5, -5, -5, -5, -5, -5], [1, 1, 2, 5]);
    const sem = t64([1, 0, 1, 0], [1, 1, 2, 2]);
    const ins = t64([1, 0.1, 0, 1, 1, 0, 1, 0], [1, 1, 2, 2, 2]);
    expect(Array.from(validInstances(logits, sem, ins).data)).toEqual([1, 0, 0, 0]);
  });
});

describe('SMTC losses: non-finite logits (checked by the softmax) and tokens', () => {
  it('throw InputError naming the first offending argument and value, −∞ included', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const logits = randomTensor([1, 2, 3, 5], 1);
      logits.data[29] = v;
      expect(() => slotDiversityLoss(logits)).toThrow(`logits: value 29 is ${v}`);
      const s = randomTensor([1, 2, 3, 5], 2);
      const t = randomTensor([1, 2, 3, 5], 3);
      const tokens = randomTensor([1, 2, 5, 4], 4);
      const badT = randomTensor([1, 2, 3, 5], 3);
      badT.data[7] = v;
      expect(() => semanticConsistencyLoss(s, badT, tokens)).toThrow(`teacherLogits: value 7 is ${v}`);
      const badS = randomTensor([1, 2, 3, 5], 2);
      badS.data[12] = v;
      expect(() => semanticConsistencyLoss(badS, badT, tokens)).toThrow(`studentLogits: value 12 is ${v}`);
      const badTokens = randomTensor([1, 2, 5, 4], 4);
      badTokens.data[39] = v;
      expect(() => semanticConsistencyLoss(s, t, badTokens)).toThrow(`teacherTokens: value 39 is ${v}`);
    }
  });
});
