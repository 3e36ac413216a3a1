import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, parseManifest } from '@slotmatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTensor, type EncodedTensor } from '../../../test/fixtures.js';
import { loadSegmenter, readVideoFrames } from '../src/index.js';
import { type ClipTensor, clipFrames, parityReport } from './parity.js';

const here = dirname(fileURLToPath(import.meta.url));
const mini = join(here, 'models', 'mini');
const fixtures = join(here, 'fixtures');

type Clip = { frames: EncodedTensor } & Record<string, Record<string, EncodedTensor>>;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

async function checkParity(bundle: string, clipPath: string, key: string) {
  const clip = JSON.parse(readFileSync(clipPath, 'utf8')) as Clip;
  const frames = clipFrames(decodeTensor(clip.frames) as ClipTensor);
  const expected = Object.fromEntries(
    Object.entries(clip[key]!).map(([n, t]) => [n, decodeTensor(t)]),
  ) as never;
  const seg = await loadSegmenter(bundle, { device: 'cpu' });
  try {
    const results = await collect(seg.segment(frames, { masks: 'grid', attention: true, batchSize: 3 }));
    expect(results).toHaveLength(frames.length);
    const report = parityReport(seg.manifest.input, frames, expected, results, seg.manifest.tokens);
    console.log(`parity ${key} (${bundle.split('/').pop()}):`, JSON.stringify(report));
    expect(report.pixels).toBeLessThan(1e-4);
    expect(report.slots).toBeLessThan(1e-4);
    expect(report.masks).toBeLessThan(1e-4);
    expect(report.attention).toBeLessThan(1e-4);
    expect(report.labelMismatchesNotTies).toBe(0);
  } finally {
    await seg.dispose();
  }
}

describe('runtime-node parity with PyTorch', () => {
  it('the runtime tests’ own mini bundle reproduces its PyTorch clip within 1e-4', async () => {
    await checkParity(mini, join(here, 'models', 'mini-clip.json'), 'model');
  });

  const tiny = existsSync(join(fixtures, 'tiny-clip.json'));
  describe.skipIf(!tiny)('exported tiny bundles (test/fixtures, written by slotmatch_torch fixtures)', () => {
    it('tiny-teacher matches PyTorch within 1e-4 with identical label maps', async () => {
      await checkParity(join(fixtures, 'tiny-teacher'), join(fixtures, 'tiny-clip.json'), 'teacher');
    });
    it('tiny-student matches PyTorch within 1e-4 with identical label maps', async () => {
      await checkParity(join(fixtures, 'tiny-student'), join(fixtures, 'tiny-clip.json'), 'student');
    });
  });
  if (!tiny)
    it.skip('tiny-teacher/tiny-student parity: test/fixtures/tiny-clip.json not generated yet', () => {});
});

describe('runtime-node bad input', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'slotmatch-node-test-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function variant(name: string, edit: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(work, name);
    await cp(mini, dir, { recursive: true });
    await edit(dir);
    return dir;
  }

  it('a missing bundle folder', async () => {
    await expect(loadSegmenter(join(work, 'nope'), { device: 'cpu' })).rejects.toThrow(
      /nope: model bundle folder does not exist/,
    );
  });

  it('a bundle without model.json, or with a graph file missing', async () => {
    const a = await variant('no-manifest', (d) => rm(join(d, 'model.json')));
    await expect(loadSegmenter(a, { device: 'cpu' })).rejects.toThrow(
      /no-manifest\/model\.json: file is missing from the bundle/,
    );
    const b = await variant('no-next', (d) => rm(join(d, 'next.onnx')));
    await expect(loadSegmenter(b, { device: 'cpu' })).rejects.toThrow(
      /no-next\/next\.onnx: file is missing from the bundle/,
    );
  });

  it('a corrupt graph file', async () => {
    const dir = await variant('corrupt', (d) => writeFile(join(d, 'first.onnx'), 'this is not a protobuf'));
    const err = await loadSegmenter(dir, { device: 'cpu' }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(
      /corrupt\/first\.onnx: does not load as an ONNX model on onnxruntime-node\/cpu/,
    );
  });

  it('a corrupt manifest', async () => {
    const dir = await variant('bad-json', (d) => writeFile(join(d, 'model.json'), '{"format":'));
    await expect(loadSegmenter(dir, { device: 'cpu' })).rejects.toThrow(
      /bad-json\/model\.json: model\.json is not valid JSON/,
    );
  });

  it('graphs whose inputs do not match the manifest', async () => {
    const dir = await variant('mismatch', async (d) => {
      const m = JSON.parse(await readFile(join(d, 'model.json'), 'utf8'));
      m.tokens.dim = 16; // the graphs take D = 8
      await writeFile(join(d, 'model.json'), JSON.stringify(m));
    });
    await expect(loadSegmenter(dir, { device: 'cpu' })).rejects.toThrow(
      /mismatch\/first\.onnx: tensor "features" has dims \[batch,12,8\], the manifest implies \[\?,12,16\]/,
    );
    const renamed = await variant('renamed', async (d) => {
      const m = JSON.parse(await readFile(join(d, 'model.json'), 'utf8'));
      m.graphs.encoder.file = 'first.onnx'; // a slot step where the encoder should be
      await writeFile(join(d, 'model.json'), JSON.stringify(m));
    });
    await expect(loadSegmenter(renamed, { device: 'cpu' })).rejects.toThrow(
      /renamed\/first\.onnx: graph inputs \[features\] do not match the manifest's graphs\.encoder\.inputs \[pixels\]/,
    );
  });

  it('a frame of the wrong type', async () => {
    const seg = await loadSegmenter(mini, { device: 'cpu' });
    try {
      const frames = [{ data: new Uint8Array(12), width: 2, height: 2, format: 'rgb' }, new Float32Array(4)];
      await expect(collect(seg.segment(frames as never))).rejects.toThrow(
        /frame 1: expected an RGB\/RGBA frame object/,
      );
    } finally {
      await seg.dispose();
    }
  });

  it('a video that ffmpeg cannot read', async () => {
    const path = join(work, 'broken.mp4');
    await writeFile(path, 'definitely not a video');
    const err = await collect(readVideoFrames(path)).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/broken\.mp4: ffmpeg cannot read it: .*Invalid data/);
  });

  it('ffmpeg missing: an InputError saying how to install it or point SLOTMATCH_FFPROBE at one', async () => {
    const saved = process.env.SLOTMATCH_FFPROBE;
    process.env.SLOTMATCH_FFPROBE = join(work, 'no-such-ffprobe');
    try {
      const err = await collect(readVideoFrames(join(work, 'any.mp4'))).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toMatch(/no-such-ffprobe: not found; install ffmpeg .* or set SLOTMATCH_FFPROBE/);
    } finally {
      if (saved === undefined) delete process.env.SLOTMATCH_FFPROBE;
      else process.env.SLOTMATCH_FFPROBE = saved;
    }
  });

  it('parses the mini manifest (sanity of the test bundle itself)', () => {
    expect(parseManifest(readFileSync(join(mini, 'model.json'), 'utf8')).tokens).toEqual({
      gridHeight: 3,
      gridWidth: 4,
      dim: 8,
    });
  });
});
