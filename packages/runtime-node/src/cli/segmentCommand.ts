/**
 * `slotmatch segment <video|folder> --model <bundle> --out <dir> [--overlay FILE]`:
 * writes `<dir>/masks/00000.png …` (DAVIS palette PNGs at the input frame size, label = slot
 * index + 1), `<dir>/slots.json` (per frame: slots [K][S] and timings; summary at the end) and
 * optionally an overlay GIF/MP4 — all into temporary names renamed only when everything succeeded.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, TimingAccumulator } from '@slotmatch/core';
import { encodePalettePng } from '@slotmatch/metrics';
import { createNodeBackend } from '../backend/nodeBackend.js';
import { createOverlayWriter, type OverlayWriter, overlayFormat } from '../output/overlayWriter.js';
import { SlotsJsonWriter } from '../output/slotsJsonWriter.js';
import { loadSegmenter } from '../segmenter.js';
import { type AtomicPath, atomicPath } from './atomicOutput.js';
import { openInput } from './inputFrames.js';
import { backendOptions, COMMON_OPTIONS, intOption } from './options.js';
import { createProgress } from './progress.js';

export const SEGMENT_USAGE =
  'slotmatch segment <video|folder> --model <bundle> --out <dir> [--overlay out.gif|out.mp4] [--fps N]\n' +
  '                  [--device auto|cpu|cuda|webgpu] [--threads N] [--inter-threads N] [--batch N] [--max-frames N]';

/** Run the segment command; resolves to the process exit code. */
export async function segmentCommand(
  argv: readonly string[],
  io: { log: (m: string) => void; warn: (m: string) => void },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      model: { type: 'string' },
      out: { type: 'string' },
      overlay: { type: 'string' },
      fps: { type: 'string' },
    },
  });
  if (values.help) {
    io.log(SEGMENT_USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new InputError('segment', `expects one input video or folder\nusage: ${SEGMENT_USAGE}`);
  if (!values.model) throw new InputError('segment', `--model <bundle> is required\nusage: ${SEGMENT_USAGE}`);
  if (!values.out) throw new InputError('segment', `--out <dir> is required\nusage: ${SEGMENT_USAGE}`);
  const batchSize = intOption(values, 'batch');
  const fpsOption = intOption(values, 'fps');
  if (values.overlay) overlayFormat(values.overlay);
  const input = await openInput(positionals[0]!, intOption(values, 'max-frames'));
  const backend = createNodeBackend(backendOptions(values, io.warn));
  const segmenter = await loadSegmenter(values.model, { backend });
  const m = segmenter.manifest;
  const out = await atomicPath(values.out, true);
  let overlayPath: AtomicPath | undefined;
  let overlay: OverlayWriter | undefined;
  let slots: SlotsJsonWriter | undefined;
  try {
    overlayPath = values.overlay ? await atomicPath(values.overlay, false) : undefined;
    const masksDir = join(out.temporary, 'masks');
    await mkdir(masksDir);
    slots = new SlotsJsonWriter(join(out.temporary, 'slots.json'), {
      model: {
        name: m.name,
        role: m.role,
        architecture: m.architecture,
        bundle: values.model,
        slots: m.slots,
      },
      backend: backend.name,
      input: positionals[0],
    });
    const timings = new TimingAccumulator();
    const progress = createProgress('segment', input.total);
    const start = performance.now();
    let frames = 0;
    for await (const r of segmenter.segment(input.frames, batchSize ? { batchSize } : {})) {
      await writeFile(
        join(masksDir, `${String(r.index).padStart(5, '0')}.png`),
        encodePalettePng(r.labels!, r.width, r.height),
      );
      await slots.add(r, m.slots.count);
      if (overlayPath) {
        overlay ??= createOverlayWriter(overlayPath.temporary, r.width, r.height, {
          fps: fpsOption ?? input.fps ?? 24,
          formatName: overlayPath.target,
        });
        await overlay.write(r.frame, r.labels!);
      }
      timings.add(r.timings);
      progress.tick(++frames);
    }
    progress.done();
    const summary = { ...timings.summary(), wallSeconds: (performance.now() - start) / 1000 };
    await slots.close(summary);
    slots = undefined;
    if (overlay) {
      await overlay.close();
      overlay = undefined;
    }
    await out.commit();
    if (overlayPath) await overlayPath.commit();
    io.log(
      `segmented ${frames} frames with ${m.name} on ${backend.name}: ${summary.framesPerSecond.toFixed(1)} fps in the pipeline, ` +
        `${(summary.inferenceShare * 100).toFixed(1)}% inside onnxruntime → ${out.target}`,
    );
    return 0;
  } catch (e) {
    slots?.destroy();
    overlay?.abort();
    await out.discard();
    await overlayPath?.discard();
    throw e;
  } finally {
    await segmenter.dispose();
  }
}
