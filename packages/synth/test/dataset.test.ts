import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbFrame } from '@slotmatch/core';
import { decodePng, vocColormap } from '@slotmatch/metrics';
import { readImageFolder } from '@slotmatch/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVideo, type SplitMeta, writeSplit } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const metricsPkg = resolve(here, '..', '..', 'metrics');
const metricsCli = join(metricsPkg, 'dist', 'cli.js');
const params = { width: 40, height: 32, frames: 6, minObjects: 2, maxObjects: 4 };

let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'slotmatch-synth-'));
  await writeSplit({ out: join(work, 'a'), split: 'train', seed: 5, videos: 3, params });
  await writeSplit({ out: join(work, 'a'), split: 'test', seed: 5, videos: 2, params });
  await writeSplit({ out: join(work, 'b'), split: 'test', seed: 5, videos: 2, params });
  await writeSplit({ out: join(work, 'c'), split: 'test', seed: 6, videos: 2, params });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file below `dir`, relative, sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const meta = (dir: string) => JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as SplitMeta;

describe('writeSplit', () => {
  it('writes the DAVIS layout, ImageSets.txt and meta.json, nothing else', () => {
    const test = join(work, 'a', 'test');
    const names = ['test-0000', 'test-0001'];
    const frames = ['00000.png', '00001.png', '00002.png', '00003.png', '00004.png', '00005.png'];
    expect(files(test)).toEqual(
      [
        'ImageSets.txt',
        'meta.json',
        ...names.flatMap((n) => frames.flatMap((f) => [`JPEGImages/${n}/${f}`, `Annotations/${n}/${f}`])),
      ].sort(),
    );
    expect(readFileSync(join(test, 'ImageSets.txt'), 'utf8')).toBe('test-0000\ntest-0001\n');
    const m = meta(test);
    expect(m.split).toBe('test');
    expect(m.evaluationOnly).toBe(true);
    expect(meta(join(work, 'a', 'train')).evaluationOnly).toBe(false);
    expect(m.seed).toBe(5);
    expect(m.params).toMatchObject(params);
    expect(m.videos.map((v) => [v.name, v.seed])).toEqual([
      ['test-0000', '5/test/0'],
      ['test-0001', '5/test/1'],
    ]);
    expect(readdirSync(join(work, 'a'))).toEqual(['test', 'train']); // no temporary left
  });

  it('masks are VOC palette PNGs equal to generateVideo(params, key), frames decode to its RGB', async () => {
    const test = join(work, 'a', 'test');
    for (const entry of meta(test).videos) {
      const video = [...generateVideo(params, entry.seed)];
      const read: RgbFrame[] = [];
      for await (const f of readImageFolder(join(test, 'JPEGImages', entry.name))) read.push(f);
      expect(read).toHaveLength(params.frames);
      video.forEach((g, t) => {
        const file = join(test, 'Annotations', entry.name, `0000${t}.png`);
        const bytes = new Uint8Array(readFileSync(file));
        const mask = decodePng(bytes, file);
        expect([mask.width, mask.height]).toEqual([params.width, params.height]);
        expect(mask.data).toEqual(g.mask);
        // The PLTE chunk (after the 8-byte signature and the 25-byte IHDR chunk) is the VOC map.
        expect(Buffer.from(bytes.subarray(37, 41)).toString('latin1')).toBe('PLTE');
        expect(bytes.subarray(41, 41 + 768)).toEqual(vocColormap());
        expect([read[t]!.width, read[t]!.height]).toEqual([params.width, params.height]);
        expect(Buffer.from(read[t]!.data).equals(Buffer.from(g.frame.data))).toBe(true);
      });
    }
  });

  it('same seed → identical files; another seed or split → other videos', () => {
    const a = join(work, 'a', 'test');
    const b = join(work, 'b', 'test');
    expect(files(b)).toEqual(files(a));
    for (const f of files(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    const hashes = (dir: string) => new Set(meta(dir).videos.map((v) => v.sha256));
    const testHashes = hashes(a);
    for (const h of hashes(join(work, 'a', 'train'))) expect(testHashes.has(h)).toBe(false);
    for (const h of hashes(join(work, 'c', 'test'))) expect(testHashes.has(h)).toBe(false);
  });

  it('refuses to replace a split unless asked, and removes its temporary on abort', async () => {
    const out = join(work, 'a');
    const before = readFileSync(join(out, 'test', 'meta.json'));
    await expect(writeSplit({ out, split: 'test', seed: 9, videos: 1, params })).rejects.toThrow(
      /test: already exists; pass overwrite/,
    );
    const controller = new AbortController();
    await expect(
      writeSplit({
        out,
        split: 'test',
        seed: 9,
        videos: 2,
        params,
        overwrite: true,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.framesDone === 3) controller.abort();
        },
      }),
    ).rejects.toThrow();
    expect(readdirSync(out)).toEqual(['test', 'train']);
    expect(readFileSync(join(out, 'test', 'meta.json')).equals(before)).toBe(true);
  });

  it('the metrics CLI scores the ground truth against itself perfectly', () => {
    if (!existsSync(metricsCli)) execFileSync('npx', ['tsdown'], { cwd: metricsPkg, stdio: 'ignore' });
    const gt = join(work, 'a', 'train', 'Annotations');
    const json = join(work, 'objects.json');
    const objects = spawnSync(
      process.execPath,
      [metricsCli, 'objects', '--gt', gt, '--pred', gt, '--json', json],
      {
        encoding: 'utf8',
      },
    );
    expect(objects.stderr).toBe('');
    expect(objects.status).toBe(0);
    const scores = JSON.parse(readFileSync(json, 'utf8')).object_metrics as Record<
      string,
      Record<string, number>
    >;
    expect(Object.keys(scores)).toEqual(['train-0000', 'train-0001', 'train-0002']);
    for (const s of Object.values(scores)) {
      expect(s.video_fg_ari).toBeCloseTo(1, 12);
      expect(s.video_mbo).toBeCloseTo(1, 12);
    }
    const davis = spawnSync(
      process.execPath,
      [metricsCli, 'davis', '--gt', gt, '--pred', gt, '--task', 'unsupervised'],
      { encoding: 'utf8' },
    );
    expect(davis.status).toBe(0);
    expect(davis.stdout).toMatch(/J&F-Mean 1\.000000/);
  });
});
