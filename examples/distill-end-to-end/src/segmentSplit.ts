/**
 * Segment every video of a DAVIS-layout split (`<split>/JPEGImages/<video>/<frame>`) with one
 * bundle through @slotmatch/runtime-node — one loaded model for the whole split — and write the
 * label maps as `<out>/<video>/<frame>.png` (palette PNGs, label = slot index + 1, the name of the
 * frame with a .png extension: the layout of `<split>/Annotations`). Timings accumulate over the
 * split, so the frames per second of two models measured here come from the same run and machine.
 * The prediction folder is written under a temporary name and renamed when complete.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BundleManifest, TimingAccumulator, type TimingSummary } from '@slotmatch/core';
import { encodePalettePng } from '@slotmatch/metrics';
import { createNodeBackend, listImages, loadSegmenter, readImageFolder } from '@slotmatch/runtime-node';

/** What {@link segmentSplit} measured. */
export interface SplitRun {
  readonly manifest: BundleManifest;
  readonly provider: string;
  readonly videos: number;
  readonly timings: TimingSummary;
}

/** Segment the split at `splitDir` with `bundle` into `out` (rules in the file header). */
export async function segmentSplit(
  splitDir: string,
  bundle: string,
  out: string,
  options: { threads?: number; log?: (m: string) => void } = {},
): Promise<SplitRun> {
  const framesRoot = join(splitDir, 'JPEGImages');
  const videos = (await readdir(framesRoot, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const backend = createNodeBackend({
    device: 'cpu',
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const segmenter = await loadSegmenter(bundle, { backend });
  const temporary = `${out}.partial-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  try {
    // Warm-up (untimed): onnxruntime allocates and tunes on its first runs, which would otherwise
    // count against whichever model is measured first.
    if (videos.length > 0) {
      for await (const _ of segmenter.segment(
        readImageFolder(join(framesRoot, videos[0]!), { maxFrames: 4 }),
      )) {
        // results discarded
      }
    }
    const timings = new TimingAccumulator();
    for (const video of videos) {
      const dir = join(framesRoot, video);
      const names = await listImages(dir);
      await mkdir(join(temporary, video), { recursive: true });
      for await (const r of segmenter.segment(readImageFolder(dir))) {
        const name = names[r.index]!.replace(/\.[^.]+$/, '.png');
        await writeFile(join(temporary, video, name), encodePalettePng(r.labels!, r.width, r.height));
        timings.add(r.timings);
      }
    }
    await rm(out, { recursive: true, force: true });
    await rename(temporary, out);
    return {
      manifest: segmenter.manifest,
      provider: backend.provider ?? 'cpu',
      videos: videos.length,
      timings: timings.summary(),
    };
  } finally {
    await rm(temporary, { recursive: true, force: true });
    await segmenter.dispose();
  }
}
