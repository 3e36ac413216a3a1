/**
 * Every loss against the golden fixtures of the torch reference (python/slotmatch_torch/losses,
 * `python3 -m slotmatch_torch golden`): value and every gradient within 1e-5 relative, fed both
 * the stored float32 inputs as they are and widened to float64.
 */
import { cka, sinkhorn, type Tensor } from '@slotmatch/core';
import { describe, expect, it } from 'vitest';
import {
  ckaAttentionLoss,
  instanceConsistencyLoss,
  interObjectRelationLoss,
  intraObjectRelationLoss,
  reconstructionLoss,
  semanticConsistencyLoss,
  slotContrastLoss,
  slotDiversityLoss,
  slotKdLoss,
  slotMatchLoss,
} from '../src/index.js';
import { expectClose, expectValue, type Golden, golden, goldenNames, widen } from './golden.js';

type Run = (
  x: Record<string, Tensor>,
  o: Golden['options'],
) => { value: number; grads: Record<string, Tensor | undefined> };

const runs: Record<string, Run> = {
  reconstructionLoss: (x) => reconstructionLoss(x.recon!, x.target!),
  slotContrastLoss: (x, o) => slotContrastLoss(x.slots!, { temperature: o.temperature as number }),
  'slotKdLoss.index': (x, o) =>
    slotKdLoss(x.teacher!, x.student!, { correspondence: o.correspondence as 'index' }),
  'slotKdLoss.hungarian': (x, o) =>
    slotKdLoss(x.teacher!, x.student!, { correspondence: o.correspondence as 'hungarian' }),
  'slotKdLoss.projection': (x, o) =>
    slotKdLoss(x.teacher!, x.student!, {
      correspondence: o.correspondence as 'hungarian',
      projection: { weight: x.projectionWeight!, bias: x.projectionBias! },
    }),
  slotMatchLoss: (x, o) =>
    slotMatchLoss(
      { recon: x.recon!, target: x.target!, studentSlots: x.studentSlots!, teacherSlots: x.teacherSlots! },
      {
        alpha: o.alpha as number,
        beta: o.beta as number,
        temperature: o.temperature as number,
        correspondence: o.correspondence as 'index',
      },
    ),
  semanticConsistencyLoss: (x, o) =>
    semanticConsistencyLoss(x.studentLogits!, x.teacherLogits!, x.teacherTokens!, {
      eps: o.eps as number,
      iterations: o.iterations as number,
    }),
  slotDiversityLoss: (x) => slotDiversityLoss(x.logits!),
  instanceConsistencyLoss: (x, o) =>
    instanceConsistencyLoss(x.objects!, x.teacherObjects!, x.valid!, x.teacherValid!, {
      margin: o.margin as number,
    }),
  ckaAttentionLoss: (x) => ckaAttentionLoss(x.teacher!, x.student!),
  interObjectRelationLoss: (x, o) =>
    interObjectRelationLoss(x.studentLogits!, x.teacherLogits!, { tau: o.tau as number }),
  intraObjectRelationLoss: (x, o) =>
    intraObjectRelationLoss(x.studentLogits!, x.teacherLogits!, { tau: o.tau as number }),
};

const outputs: Record<string, (x: Record<string, Tensor>, o: Golden['options']) => Tensor> = {
  sinkhorn: (x, o) =>
    sinkhorn(x.muS!, x.muT!, x.cost!, { eps: o.eps as number, iterations: o.iterations as number }),
  cka: (x) => cka(x.x!, x.y!),
};

describe('golden fixtures of the torch reference', () => {
  it('covers every fixture file', () => {
    expect(goldenNames()).toEqual([...Object.keys(runs), ...Object.keys(outputs)].sort());
  });

  for (const [name, run] of Object.entries(runs)) {
    it(`${name}: value and gradients within 1e-5 relative (float32 and float64 inputs)`, () => {
      const g = golden(name);
      expect(g.value).toBeTypeOf('number');
      const wide = Object.fromEntries(Object.entries(g.inputs).map(([k, v]) => [k, widen(v)]));
      for (const inputs of [g.inputs, wide]) {
        const r = run(inputs, g.options);
        expectValue(r.value, g.value!);
        expect(
          Object.keys(r.grads)
            .filter((k) => r.grads[k] !== undefined)
            .sort(),
        ).toEqual(Object.keys(g.grads!).sort());
        for (const [k, expected] of Object.entries(g.grads!))
          expectClose(r.grads[k]!, expected, 1e-5, `${name} ∂/∂${k}`);
      }
    });
  }

  for (const [name, run] of Object.entries(outputs)) {
    it(`core ${name}: output within 1e-5 relative`, () => {
      const g = golden(name);
      expectClose(run(g.inputs, g.options), g.output!, 1e-5, name);
    });
  }
});
