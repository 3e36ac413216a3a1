/**
 * `slotmatch segment <video|folder> --model <bundle> --out <dir> [--overlay FILE]`:
 * writes `<dir>/masks/00000.png …` (DAVIS palette PNGs at the input frame size, label = slot
 * index + 1), `<dir>/slots.json` (per frame: slots [K][S] and timings; summary at the end) and
 * optionally an overlay GIF/MP4 — all into temporary names renamed only when everything succeeded.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TimingAccumulator } from '@slotmatch/core';
import { encodePalettePng } from '@slotmatch/metrics';
import { createNodeBackend } from '../backend/nodeBackend.js';
import { FramesJsonWriter, slotsJsonRow } from '../output/framesJsonWriter.js';
import { createOverlayWriter, type OverlayWriter, overlayFormat } from '../output/overlayWriter.js';
import { loadSegmenter } from '../segmenter.js';
import { type AtomicPath, atomicPath } from './atomicOutput.js';
import { openInput } from './inputFrames.js';
import { COMMON_USAGE, intOption, parseCommand } from './options.js';
import { createProgress } from './progress.js';

export const SEGMENT_USAGE =
  'slotmatch segment <video|folder> --model <bundle> --out <dir> [--overlay out.gif|out.mp4] [--fps N]\n' +
  `                  ${COMMON_USAGE}`;

const SEGMENT_COMMAND = {
  name: 'segment',
  usage: SEGMENT_USAGE,
  options: ['model', 'out', 'overlay', 'fps'],
  required: { model: '<bundle>', out: '<dir>' },
} as const;

/** Run the segment command; resolves to the process exit code. */
export async function segmentCommand(
  argv: readonly string[],
  io: { log: (m: string) => void; warn: (m: string) => void },
): Promise<number> {
  const cmd = parseCommand(argv, SEGMENT_COMMAND, io);
  if (!cmd) return 0;
  const bundle = cmd.values.model!;
  const fpsOption = intOption(cmd.values, 'fps');
  if (cmd.values.overlay) overlayFormat(cmd.values.overlay);
  const input = await openInput(cmd.input, cmd.maxFrames);
  const backend = createNodeBackend(cmd.backend);
  const segmenter = await loadSegmenter(bundle, { backend });
  const m = segmenter.manifest;
  const outputs: AtomicPath[] = [];
  let overlay: OverlayWriter | undefined;
  let slots: FramesJsonWriter | undefined;
  try {
    const out = await atomicPath(cmd.values.out!, true);
    outputs.push(out);
    const overlayPath = cmd.values.overlay ? await atomicPath(cmd.values.overlay, false) : undefined;
    if (overlayPath) outputs.push(overlayPath);
    const masksDir = join(out.temporary, 'masks');
    await mkdir(masksDir);
    slots = new FramesJsonWriter(join(out.temporary, 'slots.json'), {
      model: { name: m.name, role: m.role, architecture: m.architecture, bundle, slots: m.slots },
      backend: backend.name,
      input: cmd.input,
    });
    const timings = new TimingAccumulator();
    const progress = createProgress('segment', input.total);
    const start = performance.now();
    let frames = 0;
    for await (const r of segmenter.segment(
      input.frames,
      cmd.batchSize ? { batchSize: cmd.batchSize } : {},
    )) {
      await writeFile(
        join(masksDir, `${String(r.index).padStart(5, '0')}.png`),
        encodePalettePng(r.labels!, r.width, r.height),
      );
      await slots.add(slotsJsonRow(r, m.slots.count));
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
    await overlay?.close();
    overlay = undefined;
    for (const o of outputs) await o.commit();
    io.log(
      `segmented ${frames} frames with ${m.name} on ${backend.name}: ${summary.framesPerSecond.toFixed(1)} fps in the pipeline, ` +
        `${(summary.inferenceShare * 100).toFixed(1)}% inside onnxruntime → ${out.target}`,
    );
    return 0;
  } catch (e) {
    slots?.destroy();
    overlay?.abort();
    for (const o of outputs) await o.discard();
    throw e;
  } finally {
    await segmenter.dispose();
  }
}
