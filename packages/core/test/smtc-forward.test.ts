/**
 * The TypeScript SMTC head equals PyTorch's (python/slotmatch_torch/smtc, official parameter names)
 * on the same weights, keys and instance noise: fixture written by the `smtc` fixture writer.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DecodedTensor,
  decodeTensor,
  type EncodedTensor,
  readJson,
  repoRoot,
} from '../../../test/fixtures.js';
import { readSmtcWeights, type SmtcOutputs, smtcForward } from '../src/index.js';

const names = {
  fused_keys: 'fusedKeys',
  semantic_slots: 'semanticSlots',
  semantic_logits: 'semanticLogits',
  instance_slots: 'instanceSlots',
  instance_logits: 'instanceLogits',
  semantic_mask: 'semanticMask',
  instance_mask: 'instanceMask',
  instance_embedding: 'instanceEmbedding',
} as const satisfies Record<string, keyof SmtcOutputs>;

interface Fixture {
  config: {
    centres: number;
    instances: number;
    dim: number;
    gridHeight: number;
    gridWidth: number;
    fusionHeight: number;
    fusionWidth: number;
    iterations: number;
    eps: number;
    threshold: number;
  };
  weights: Record<string, EncodedTensor>;
  keys: EncodedTensor;
  noise: EncodedTensor;
  outputs: Record<'threshold' | 'softmax', Record<keyof typeof names, EncodedTensor>>;
}

const fixture = readJson<Fixture>(join(repoRoot, 'packages/core/test/fixtures/smtc-forward.json'));
const cfg = fixture.config;
const dict = Object.fromEntries(
  Object.entries(fixture.weights).map(([k, v]) => [
    k,
    decodeTensor(v) as { data: Float32Array; dims: number[] },
  ]),
);
const weights = readSmtcWeights(dict, { instances: cfg.instances, iterations: cfg.iterations });
const keys = decodeTensor(fixture.keys) as { data: Float32Array; dims: number[] };
const noise = decodeTensor(fixture.noise) as { data: Float32Array; dims: number[] };
const grid = { height: cfg.gridHeight, width: cfg.gridWidth };

function maxAbsDiff(a: ArrayLike<number>, b: DecodedTensor): number {
  expect(a.length).toBe(b.data.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b.data[i]!));
  return m;
}

describe('SMTC head vs PyTorch (smtc-forward.json)', () => {
  it('reads sizes and the fusion grid from the official keys', () => {
    expect(weights.config).toMatchObject({
      centres: cfg.centres,
      dim: cfg.dim,
      fusionHeight: cfg.fusionHeight,
      fusionWidth: cfg.fusionWidth,
      eps: cfg.eps,
    });
    expect(weights.mlpSlot).toBeDefined();
  });
  for (const gate of ['threshold', 'softmax'] as const) {
    const out = smtcForward(weights, keys, grid, noise, { gate, threshold: cfg.threshold });
    for (const [theirs, ours] of Object.entries(names) as [keyof typeof names, keyof SmtcOutputs][]) {
      it(`${gate} gate: ${theirs} equals torch within 1e-4`, () => {
        const want = decodeTensor(fixture.outputs[gate][theirs]);
        const got = out[ours]!;
        expect(got.dims).toEqual(want.dims);
        expect(maxAbsDiff(got.data, want)).toBeLessThan(1e-4);
      });
    }
  }
  it('the two gates give different instances, so both paths are exercised', () => {
    const a = decodeTensor(fixture.outputs.threshold.instance_slots).data;
    const b = decodeTensor(fixture.outputs.softmax.instance_slots).data;
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    expect(m).toBeGreaterThan(1e-2);
  });
});
