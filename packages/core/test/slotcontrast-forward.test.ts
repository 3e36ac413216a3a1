/**
 * The TypeScript SlotContrast forward equals PyTorch's on the same weights: fixture written by
 * `python3 -m slotmatch_torch fixtures` (writer `core-forward`: seeded random weights under the
 * official state_dict keys, random backbone features [B, T, P, D], torch outputs).
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
import { readSlotContrastWeights, slotContrastForward } from '../src/index.js';

interface Fixture {
  config: {
    K: number;
    S: number;
    D: number;
    gridHeight: number;
    gridWidth: number;
    iterationsFirst: number;
    iterationsNext: number;
    predictorHeads: number;
    decoderHidden: number[];
    eps: number;
  };
  weights: Record<string, EncodedTensor>;
  features: EncodedTensor;
  outputs: Record<'slots' | 'attention' | 'masks' | 'next_init' | 'reconstruction', EncodedTensor>;
}

const fixture = readJson<Fixture>(join(repoRoot, 'packages/core/test/fixtures/slotcontrast-forward.json'));

function maxAbsDiff(a: ArrayLike<number>, b: DecodedTensor): number {
  expect(a.length).toBe(b.data.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b.data[i]!));
  return m;
}

describe('SlotContrast forward vs PyTorch (slotcontrast-forward.json)', () => {
  const cfg = fixture.config;
  const dict = Object.fromEntries(
    Object.entries(fixture.weights).map(([k, v]) => [
      k,
      decodeTensor(v) as { data: Float32Array; dims: number[] },
    ]),
  );
  const weights = readSlotContrastWeights(dict, {
    iterationsFirst: cfg.iterationsFirst,
    iterationsNext: cfg.iterationsNext,
    predictorHeads: cfg.predictorHeads,
    eps: cfg.eps,
  });
  const features = decodeTensor(fixture.features) as { data: Float32Array; dims: number[] };
  const out = slotContrastForward(weights, features);

  it('reads the sizes of the fixture from the official keys', () => {
    expect(weights.config.slots).toBe(cfg.K);
    expect(weights.config.slotDim).toBe(cfg.S);
    expect(weights.config.featureDim).toBe(cfg.D);
    expect(weights.config.patches).toBe(cfg.gridHeight * cfg.gridWidth);
    expect(weights.decoder.mlp.layers.map((l) => l.weight.dims[0])).toEqual([
      ...cfg.decoderHidden,
      cfg.D + 1,
    ]);
  });

  const pairs = [
    ['slots', 'slots'],
    ['attention', 'attention'],
    ['masks', 'masks'],
    ['nextInit', 'next_init'],
    ['reconstruction', 'reconstruction'],
  ] as const;
  for (const [ours, theirs] of pairs) {
    it(`${theirs} equals torch within 1e-4`, () => {
      const want = decodeTensor(fixture.outputs[theirs]);
      expect(out[ours].dims).toEqual(want.dims);
      const diff = maxAbsDiff(out[ours].data, want);
      expect(diff).toBeLessThan(1e-4);
    });
  }

  it('the masks are far from uniform, so the comparison exercises every layer', () => {
    const masks = decodeTensor(fixture.outputs.masks).data;
    let max = 0;
    for (const v of masks) max = Math.max(max, v);
    expect(max).toBeGreaterThan(2 / cfg.K);
  });
});
