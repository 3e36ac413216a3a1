import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { tinyManifest } from '../pipeline/fakeBackend.testkit.js';
import { expectedGraphShapes, validateGraphIO } from './graphIO.js';
import { parseManifest } from './manifest.js';

describe('parseManifest', () => {
  it('accepts the documented manifest, from text or a value', () => {
    const m = parseManifest(JSON.stringify(tinyManifest()));
    expect(m.slots.count).toBe(3);
    expect(m.input.mean).toEqual([0.485, 0.456, 0.406]);
    expect(parseManifest(tinyManifest()).graphs.next.inputs).toEqual(['features', 'init']);
  });

  it('allows a trailing reconstruction output on the slot steps only', () => {
    const g = tinyManifest().graphs as Record<string, { outputs: string[] }>;
    g.first!.outputs = [...g.first!.outputs, 'reconstruction'];
    expect(parseManifest(tinyManifest({ graphs: g })).graphs.first.outputs).toHaveLength(5);
    g.encoder!.outputs = ['features', 'reconstruction'];
    expect(() => parseManifest(tinyManifest({ graphs: g }))).toThrow(/graphs\.encoder\.outputs/);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['format', { format: 'other' }, /format: must be "slotmatch-bundle"/],
    ['newer version', { formatVersion: 2 }, /formatVersion: is 2; this runtime reads format version 1/],
    ['name', { name: 'a b' }, /name: must match/],
    ['role', { role: 'pupil' }, /role: must be "teacher" or "student"/],
    ['architecture', { architecture: 'resnet' }, /architecture/],
    [
      'std',
      { input: { ...(tinyManifest().input as object), std: [0.2, 0, 0.2] } },
      /input\.std: every entry must be > 0/,
    ],
    [
      'mean',
      { input: { ...(tinyManifest().input as object), mean: [0.2, 0.2] } },
      /input\.mean: must be 3 finite numbers/,
    ],
    [
      'size',
      { tokens: { gridHeight: 2, gridWidth: 2.5, dim: 3 } },
      /tokens\.gridWidth: must be a positive integer/,
    ],
    ['slots', { slots: { count: 0, dim: 4, iterationsFirst: 3, iterationsNext: 2 } }, /slots\.count/],
  ];
  for (const [what, override, message] of bad) {
    it(`rejects a bad ${what} with an InputError naming the bundle and field`, () => {
      let err: unknown;
      try {
        parseManifest(tinyManifest(override), 'bundles/x/model.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(/^bundles\/x\/model\.json: /);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('rejects graph files that leave the bundle and wrong graph names', () => {
    const g = tinyManifest().graphs as Record<string, { file: string; inputs: string[] }>;
    g.encoder!.file = '../secret.onnx';
    expect(() => parseManifest(tinyManifest({ graphs: g }))).toThrow(/graphs\.encoder\.file/);
    g.encoder!.file = 'encoder.onnx';
    g.next!.inputs = ['features'];
    expect(() => parseManifest(tinyManifest({ graphs: g }))).toThrow(
      /graphs\.next\.inputs: must be \["features","init"\]/,
    );
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseManifest('{ nope', 'b/model.json')).toThrow(
      /b\/model\.json: model\.json is not valid JSON/,
    );
  });
});

describe('validateGraphIO', () => {
  const m = parseManifest(tinyManifest());
  const sig = (kind: 'encoder' | 'first' | 'next') => {
    const shapes = expectedGraphShapes(m, kind);
    const io = m.graphs[kind];
    const info = (n: string) => ({ name: n, type: 'float32', dims: shapes[n]!.map((d) => d ?? 'batch') });
    return { inputs: io.inputs.map(info), outputs: io.outputs.map(info) };
  };

  it('accepts graphs whose names and static dims agree, with symbolic batch axes', () => {
    for (const kind of ['encoder', 'first', 'next'] as const)
      validateGraphIO(m, kind, sig(kind), `b/${kind}.onnx`);
    const withRecon = sig('first');
    validateGraphIO(
      m,
      'first',
      { ...withRecon, outputs: [...withRecon.outputs, { name: 'reconstruction', dims: [1, 4, 3] }] },
      'b',
    );
  });

  it('names the missing and unexpected tensors', () => {
    const s = sig('next');
    const renamed = { ...s, inputs: [s.inputs[0]!, { ...s.inputs[1]!, name: 'slots_in' }] };
    expect(() => validateGraphIO(m, 'next', renamed, 'b/next.onnx')).toThrow(
      /b\/next\.onnx: graph inputs \[features, slots_in\] do not match .*missing "init"; unexpected "slots_in"/,
    );
  });

  it('names the tensor whose static dims disagree with the manifest', () => {
    const s = sig('first');
    const wrong = {
      ...s,
      outputs: s.outputs.map((t) => (t.name === 'masks' ? { ...t, dims: ['batch', 3, 9] } : t)),
    };
    expect(() => validateGraphIO(m, 'first', wrong, 'b/first.onnx')).toThrow(
      /tensor "masks" has dims \[batch,3,9\].*axis 2: 9 ≠ 4/,
    );
    const rank = { ...s, inputs: [{ name: 'features', dims: [4, 3] }] };
    expect(() => validateGraphIO(m, 'first', rank, 'b/first.onnx')).toThrow(/rank 2/);
    const staticBatch = { ...s, inputs: [{ name: 'features', dims: [4, 4, 3] }] };
    expect(() => validateGraphIO(m, 'first', staticBatch, 'b/first.onnx')).toThrow(
      /tensor "features" has a static batch axis of 4 \[4,4,3\]; the bundle format needs a dynamic batch axis/,
    );
    validateGraphIO(m, 'first', { ...s, inputs: [{ name: 'features', dims: [1, 4, 3] }] }, 'b/first.onnx');
    const typed = { ...s, inputs: [{ name: 'features', type: 'float16' }] };
    expect(() => validateGraphIO(m, 'first', typed, 'b/first.onnx')).toThrow(/float16/);
  });
});
