import { describe, expect, it } from 'vitest';
import { bytesBundleSource } from '../bundle/bundleSource.js';
import type { TensorInfo } from '../bundle/graphIO.js';
import { InputError } from '../errors/index.js';
import type { RgbFrame } from '../image/frame.js';
import { FramePreprocessor } from '../image/preprocess.js';
import { masksToLabelMap } from '../masks/upsampleMasks.js';
import { labelMapAgreement, meanSlotCosine } from './agreement.js';
import type { InferenceBackend } from './backend.js';
import { ComparisonAccumulator, compareSegmenters } from './compare.js';
import { FakeBackend, fakeBundle, tinyManifest } from './fakeBackend.testkit.js';
import { loadModel } from './loadModel.js';
import { type FrameResult, Segmenter } from './segmenter.js';

function frame(i: number, width = 12, height = 10): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = Math.floor(p / width);
    data[p * 3] = (x * 20 + i * 30) % 256;
    data[p * 3 + 1] = (y * 25 + i * 7) % 256;
    data[p * 3 + 2] = ((x + y) * 9 + i) % 256;
  }
  return { data, width, height, format: 'rgb' };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('loadModel', () => {
  it('loads the three graphs and validates them against the manifest', async () => {
    const backend = new FakeBackend();
    const model = await loadModel(fakeBundle(), backend);
    expect(model.manifest.name).toBe('tiny-test');
    expect(Object.keys(model.sessions)).toEqual(['encoder', 'first', 'next']);
    await model.dispose();
    expect(backend.disposed).toBe(3);
  });

  it('names the bundle and file when a graph is missing', async () => {
    const src = bytesBundleSource('bytes:broken', { 'model.json': JSON.stringify(tinyManifest()) });
    await expect(loadModel(src, new FakeBackend())).rejects.toThrow(
      'bytes:broken/encoder.onnx: the bundle has no such file',
    );
  });

  it('names the file that does not load, and disposes the sessions already created', async () => {
    const backend = new FakeBackend(undefined, 'next');
    const err = await loadModel(fakeBundle(), backend).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      'bytes:tiny/next.onnx: does not load as an ONNX model on fake: simulated load failure',
    );
    expect(backend.disposed).toBe(2);
  });

  it('rejects graphs whose I/O does not match the manifest (before any frame)', async () => {
    // A manifest claiming K = 5 against graphs built for K = 3.
    const manifest = tinyManifest({ slots: { count: 5, dim: 4, iterationsFirst: 3, iterationsNext: 2 } });
    const backend = new FakeBackend();
    await expect(loadModel(fakeBundle(manifest), backend)).rejects.toThrow(
      /bytes:tiny\/first\.onnx: tensor "slots" has dims \[batch,3,4\]/,
    );
    expect(backend.disposed).toBe(2);
  });

  it('rejects a corrupt manifest', async () => {
    const src = bytesBundleSource('bytes:bad', { 'model.json': '{"format": "slotmatch-bundle"' });
    await expect(loadModel(src, new FakeBackend())).rejects.toThrow(
      /bytes:bad\/model\.json: model\.json is not valid JSON/,
    );
  });
});

describe('Segmenter', () => {
  it('batches the encoder, carries next_init into the next step and yields one result per frame', async () => {
    const backend = new FakeBackend();
    const seg = new Segmenter(await loadModel(fakeBundle(), backend));
    const frames = [0, 1, 2, 3, 4].map((i) => frame(i));
    const results = await collect(seg.segment(frames, { batchSize: 2, masks: 'grid', attention: true }));
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(backend.calls.map((c) => c.kind)).toEqual([
      'encoder',
      'first',
      'next',
      'encoder',
      'next',
      'next',
      'encoder',
      'next',
    ]);
    const enc = backend.calls.filter((c) => c.kind === 'encoder');
    expect(enc.map((c) => c.feeds.pixels!.dims)).toEqual([
      [2, 3, 8, 8],
      [2, 3, 8, 8],
      [1, 3, 8, 8],
    ]);
    // The encoder saw exactly the pre-processed frames.
    const pre = new FramePreprocessor(seg.manifest.input);
    expect(Array.from(enc[2]!.feeds.pixels!.data)).toEqual(Array.from(pre.run(frames[4]!)));
    // Each next step receives the previous frame's next_init (= 0.5·slots in the fake model).
    const steps = backend.calls.filter((c) => c.kind !== 'encoder');
    for (let i = 1; i < steps.length; i++) {
      expect(Array.from(steps[i]!.feeds.init!.data)).toEqual(
        Array.from(results[i - 1]!.slots.map((v) => v * 0.5)),
      );
      expect(steps[i]!.feeds.init!.dims).toEqual([1, 3, 4]);
    }
    for (const r of results) {
      expect(r.labels).toHaveLength(12 * 10);
      expect(Array.from(r.labels!)).toEqual(Array.from(masksToLabelMap(r.masks!, 3, 2, 2, 10, 12, 1)));
      expect(r.attention).toHaveLength(12);
      expect(r.timings.totalMs).toBeGreaterThanOrEqual(r.timings.stepMs);
    }
  });

  it('gives the same results whatever the batch size', async () => {
    const frames = [0, 1, 2, 3, 4, 5, 6].map((i) => frame(i, 9 + i, 7));
    const run = async (batchSize: number) => {
      const seg = new Segmenter(await loadModel(fakeBundle(), new FakeBackend()));
      return (await collect(seg.segment(frames, { batchSize }))).map((r) => [
        Array.from(r.slots),
        Array.from(r.labels!),
      ]);
    };
    const one = await run(1);
    expect(await run(3)).toEqual(one);
    expect(await run(16)).toEqual(one);
  });

  it('runs an encoder exported with a static batch of 1 one frame at a time', async () => {
    const fake = new FakeBackend();
    const staticBatch: InferenceBackend = {
      name: 'fake-static-batch',
      async createSession(model, subject) {
        const session = await fake.createSession(model, subject);
        const fix = (ts: readonly TensorInfo[]) =>
          ts.map((t) => ({ ...t, dims: t.dims?.map((d, i) => (i === 0 ? 1 : d)) }));
        return {
          ...session,
          signature: { inputs: fix(session.signature.inputs), outputs: fix(session.signature.outputs) },
        };
      },
    };
    const seg = new Segmenter(await loadModel(fakeBundle(), staticBatch));
    const frames = [0, 1, 2].map((i) => frame(i));
    expect(await collect(seg.segment(frames, { batchSize: 4 }))).toHaveLength(3);
    const encoderBatches = fake.calls.filter((c) => c.kind === 'encoder').map((c) => c.feeds.pixels!.dims[0]);
    expect(encoderBatches).toEqual([1, 1, 1]);
  });

  it('pulls at most one batch ahead of the consumer (bounded memory)', async () => {
    const seg = new Segmenter(await loadModel(fakeBundle(), new FakeBackend()));
    let pulled = 0;
    async function* video() {
      for (let i = 0; i < 50; i++) {
        pulled++;
        yield frame(i);
      }
    }
    let consumed = 0;
    for await (const r of seg.segment(video(), { batchSize: 4 })) {
      consumed++;
      expect(pulled - r.index).toBeLessThanOrEqual(4);
    }
    expect(consumed).toBe(50);
  });

  it('soft masks at the frame size, RGBA frames, and a frame of the wrong type', async () => {
    const seg = new Segmenter(await loadModel(fakeBundle(), new FakeBackend()));
    const rgba: RgbFrame = { data: new Uint8Array(6 * 4 * 4).fill(128), width: 6, height: 4, format: 'rgba' };
    const [r] = await collect(seg.segment([rgba], { masks: 'frame', labels: false }));
    expect(r!.masks).toHaveLength(3 * 24);
    expect(r!.labels).toBeUndefined();
    const bad = [
      frame(0),
      { data: new Float32Array(10), width: 2, height: 2, format: 'rgb' } as unknown as RgbFrame,
    ];
    await expect(collect(seg.segment(bad))).rejects.toThrow(/frame 1: data must be a Uint8Array/);
    await expect(collect(seg.segment(42 as never))).rejects.toThrow(/frames: must be an iterable/);
    await expect(collect(seg.segment([frame(0)], { batchSize: 0 }))).rejects.toThrow(/batchSize/);
  });

  it('refuses to run after dispose', async () => {
    const backend = new FakeBackend();
    const seg = new Segmenter(await loadModel(fakeBundle(), backend));
    await seg.dispose();
    await seg.dispose();
    expect(backend.disposed).toBe(3);
    await expect(collect(seg.segment([frame(0)]))).rejects.toThrow(/disposed/);
  });

  it('stops when its signal aborts', async () => {
    const seg = new Segmenter(await loadModel(fakeBundle(), new FakeBackend()));
    const ctl = new AbortController();
    const seen: FrameResult[] = [];
    const run = async () => {
      for await (const r of seg.segment(
        [0, 1, 2, 3].map((i) => frame(i)),
        { batchSize: 1, signal: ctl.signal },
      )) {
        seen.push(r);
        if (r.index === 1) ctl.abort(new Error('stop'));
      }
    };
    await expect(run()).rejects.toThrow('stop');
    expect(seen).toHaveLength(2);
  });
});

describe('agreement', () => {
  const measures = {
    regionJ: (pred: Uint8Array, gt: Uint8Array) => {
      let i = 0;
      let u = 0;
      for (let p = 0; p < gt.length; p++) {
        if (pred[p] && gt[p]) i++;
        if (pred[p] || gt[p]) u++;
      }
      return u === 0 ? 1 : i / u;
    },
    boundaryF: (pred: Uint8Array, gt: Uint8Array) => (pred.every((v, i) => v === gt[i]) ? 1 : 0),
  };

  it('mean slot cosine: 1 for identical slots, −1 for opposite, null for other shapes', () => {
    const a = Float32Array.from([1, 2, 3, 4, 0, 1]);
    expect(meanSlotCosine(a, a, 2)).toBeCloseTo(1, 6);
    expect(
      meanSlotCosine(
        a,
        a.map((v) => -v),
        2,
      ),
    ).toBeCloseTo(-1, 6);
    expect(meanSlotCosine(Float32Array.from([1, 0, 0, 1]), Float32Array.from([0, 1, 0, 1]), 2)).toBeCloseTo(
      0.5,
      6,
    );
    expect(meanSlotCosine(a, a.subarray(0, 4), 2)).toBeNull();
  });

  it('index matching compares slot k with slot k; hungarian finds the permutation', () => {
    const t = Uint8Array.from([1, 1, 2, 2, 3, 3]);
    const s = Uint8Array.from([2, 2, 3, 3, 1, 1]);
    expect(labelMapAgreement(t, t, 6, 1, measures)).toEqual({ j: 1, f: 1, jf: 1 });
    expect(labelMapAgreement(t, s, 6, 1, measures).j).toBe(0);
    expect(labelMapAgreement(t, s, 6, 1, measures, 'hungarian')).toEqual({ j: 1, f: 1, jf: 1 });
    expect(() => labelMapAgreement(t, s, 5, 1, measures)).toThrow(InputError);
  });

  it('compare runs both segmenters over one source, frame by frame', async () => {
    const teacher = new Segmenter(await loadModel(fakeBundle(), new FakeBackend()));
    const student = new Segmenter(
      await loadModel(fakeBundle(tinyManifest({ role: 'student' })), new FakeBackend()),
    );
    let pulls = 0;
    function* video() {
      for (let i = 0; i < 6; i++) {
        pulls++;
        yield frame(i);
      }
    }
    const acc = new ComparisonAccumulator();
    const frames = [];
    for await (const c of compareSegmenters(teacher, student, video(), { measures, batchSize: 2 })) {
      acc.add(c);
      frames.push(c);
    }
    expect(pulls).toBe(6);
    expect(frames).toHaveLength(6);
    for (const c of frames) {
      // Same fake model on both sides: full agreement.
      expect(c.agreement.slotCosine).toBeCloseTo(1, 6);
      expect(c.agreement.jf).toBe(1);
      expect(Array.from(c.student.labels!)).toEqual(Array.from(c.teacher.labels!));
    }
    const sum = acc.summary();
    expect(sum.frames).toBe(6);
    expect(sum.jf).toBe(1);
    expect(sum.speedRatio).toBeGreaterThan(0);
    await expect(collect(compareSegmenters(teacher, student, [], {} as never))).rejects.toThrow(/measures/);
  });
});
