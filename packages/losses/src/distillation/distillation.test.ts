import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectGradient, randomTensor } from '../common/gradcheck.testkit.js';
import { ckaAttentionLoss, interObjectRelationLoss, intraObjectRelationLoss } from './index.js';

/** x·R for a random orthogonal R (Gram–Schmidt) over the last axis of [maps, n, d]. */
function rotate(x: Float64Array, maps: number, n: number, d: number, seed: number): Float64Array {
  const r = randomTensor([d, d], seed).data;
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let p = 0;
      for (let i = 0; i < d; i++) p += r[i * d + j]! * r[i * d + k]!;
      for (let i = 0; i < d; i++) r[i * d + j]! -= p * r[i * d + k]!;
    }
    let nrm = 0;
    for (let i = 0; i < d; i++) nrm += r[i * d + j]! ** 2;
    for (let i = 0; i < d; i++) r[i * d + j]! /= Math.sqrt(nrm);
  }
  const out = new Float64Array(x.length);
  for (let row = 0; row < maps * n; row++)
    for (let k = 0; k < d; k++)
      for (let j = 0; j < d; j++) out[row * d + j]! += x[row * d + k]! * r[k * d + j]!;
  return out;
}

describe('ckaAttentionLoss', () => {
  it('is 0 for a map and its scaled copy (METHODS.md: CKA(X, 2X) = 1)', () => {
    const x = randomTensor([2, 10, 6], 1);
    expect(ckaAttentionLoss(x, { data: x.data.map((v) => 2 * v), dims: x.dims }).value).toBeCloseTo(0, 12);
  });
  it('is invariant to orthogonal transforms and isotropic scaling of the student (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        (seed, scale) => {
          const t = randomTensor([3, 12, 5], seed);
          const s = randomTensor([3, 12, 4], seed + 1);
          const moved = { data: rotate(s.data, 3, 12, 4, seed + 2).map((v) => v * scale), dims: s.dims };
          expect(ckaAttentionLoss(t, moved).value).toBeCloseTo(ckaAttentionLoss(t, s).value, 10);
        },
      ),
      { numRuns: 40 },
    );
  });
  it('has the gradients of its finite differences', () => {
    const t = randomTensor([2, 9, 4], 3);
    const s = randomTensor([2, 9, 5], 4);
    const r = ckaAttentionLoss(t, s);
    const f = () => ckaAttentionLoss(t, s).value;
    expectGradient(f, t, r.grads.teacher, { name: 'teacher' });
    expectGradient(f, s, r.grads.student, { name: 'student' });
  });
  it('names the argument at fault', () => {
    expect(() => ckaAttentionLoss(randomTensor([2, 9, 4], 1), randomTensor([3, 9, 4], 2))).toThrow(
      'student: has dims [3,9,4], expected [L0=2,N=9,Ds]',
    );
    const bad = randomTensor([9, 4], 2);
    bad.data[3] = Number.POSITIVE_INFINITY;
    expect(() => ckaAttentionLoss(randomTensor([9, 4], 1), bad)).toThrow('student: value 3 is Infinity');
    for (const v of [Number.NaN, Number.NEGATIVE_INFINITY]) {
      const teacher = randomTensor([2, 9, 4], 3);
      teacher.data[50] = v;
      expect(() => ckaAttentionLoss(teacher, randomTensor([2, 9, 3], 4))).toThrow(
        `teacher: value 50 is ${v}`,
      );
    }
  });
});

describe('DIST relation losses', () => {
  it('give the hand-checked two-object values (Pearson ±1 per pixel) scaled by τ²', () => {
    const s = { data: Float64Array.from([2, -1, 0.5, 0, 0, 0]), dims: [1, 2, 3] };
    const t = { data: Float64Array.from([1, 1, -3, 0, 0, 0]), dims: [1, 2, 3] };
    // pixel 0 agrees (r = +1), pixels 1 and 2 disagree (r = −1): mean(0, 2, 2)·τ².
    expect(interObjectRelationLoss(s, t, { tau: 2 }).value).toBeCloseTo((4 * 4) / 3, 12);
    expect(interObjectRelationLoss(s, s).value).toBeCloseTo(0, 12);
    expect(intraObjectRelationLoss(s, s, { tau: 3 }).value).toBeCloseTo(0, 12);
  });
  it('have the gradients of their finite differences', () => {
    const s = randomTensor([2, 4, 7], 5, 2);
    const t = randomTensor([2, 4, 7], 6, 2);
    for (const [name, loss] of [
      ['inter', interObjectRelationLoss],
      ['intra', intraObjectRelationLoss],
    ] as const) {
      const r = loss(s, t, { tau: 1.5 });
      const f = () => loss(s, t, { tau: 1.5 }).value;
      expectGradient(f, s, r.grads.studentLogits, { name: `${name} student` });
      expectGradient(f, t, r.grads.teacherLogits, { name: `${name} teacher` });
    }
  });
  it('have the gradients of their finite differences over several pixel tiles (P = 1100)', () => {
    const s = randomTensor([2, 3, 1100], 7, 2);
    const t = randomTensor([2, 3, 1100], 8, 2);
    for (const [name, loss] of [
      ['inter', interObjectRelationLoss],
      ['intra', intraObjectRelationLoss],
    ] as const) {
      const r = loss(s, t, { tau: 0.7 });
      const f = () => loss(s, t, { tau: 0.7 }).value;
      expectGradient(f, s, r.grads.studentLogits, { name: `${name} student`, samples: 60 });
      expectGradient(f, t, r.grads.teacherLogits, { name: `${name} teacher`, samples: 60 });
    }
  });
  it('names the argument at fault', () => {
    expect(() => interObjectRelationLoss(randomTensor([2, 4, 7], 1), randomTensor([2, 5, 7], 2))).toThrow(
      'teacherLogits: has dims [2,5,7], expected [B=2,O=4,P=7]',
    );
  });
});

describe('DIST relation losses: non-finite logits (checked by the softmax)', () => {
  it('throw InputError naming the first offending argument and value, −∞ included', () => {
    for (const loss of [interObjectRelationLoss, intraObjectRelationLoss]) {
      for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const s = randomTensor([2, 3, 7], 1);
        const t = randomTensor([2, 3, 7], 2);
        const badT = randomTensor([2, 3, 7], 2);
        badT.data[40] = v;
        expect(() => loss(s, badT)).toThrow(`teacherLogits: value 40 is ${v}`);
        const badS = randomTensor([2, 3, 7], 1);
        badS.data[3] = v;
        expect(() => loss(badS, badT)).toThrow(`studentLogits: value 3 is ${v}`);
        expect(() => loss(badS, t)).toThrow(`studentLogits: value 3 is ${v}`);
      }
    }
  });
});
