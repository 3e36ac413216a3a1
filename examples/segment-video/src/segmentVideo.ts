/**
 * Segment one video with a model bundle through @slotmatch/runtime-node's public API:
 *
 *     openInput (probe) → loadSegmenter(bundle) → for await (r of segmenter.segment(frames))
 *       → masks/00000.png … (DAVIS palette PNG at the input size, label = slot index + 1)
 *       → overlay.gif | overlay.mp4 (frame blended with the VOC colour of its label, α = 0.5)
 *     → summary.json (model, execution provider, frames, slot count, slots used, fps, timings)
 *
 * Frames stream through: memory holds one encoder batch whatever the video length. The input is
 * probed and the bundle validated before the output folder is created, and the folder is written
 * under a temporary name renamed only when complete (outputFolder.ts), so bad input leaves nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, TimingAccumulator, type TimingSummary } from '@slotmatch/core';
import { encodePalettePng } from '@slotmatch/metrics';
import {
  createNodeBackend,
  createOverlayWriter,
  loadSegmenter,
  type NodeDevice,
  type OverlayWriter,
} from '@slotmatch/runtime-node';
import { openInput } from './input.js';
import { stageFolder } from './outputFolder.js';

/** Options of {@link segmentVideo}. */
export interface SegmentVideoOptions {
  /** A video file or a folder of frames. */
  readonly input: string;
  /** A model bundle: folder or URL (teacher or student). */
  readonly model: string;
  /** Output folder (replaced when it exists). */
  readonly out: string;
  /** Overlay format (default "gif"). */
  readonly overlay?: 'gif' | 'mp4' | 'none';
  /** Overlay frame rate (default: the video's, else 24). */
  readonly fps?: number;
  /** Frames per encoder run (default 4). */
  readonly batchSize?: number;
  /** Stop after this many frames. */
  readonly maxFrames?: number;
  /** Execution device of onnxruntime-node (default "auto": CUDA when working, else CPU). */
  readonly device?: NodeDevice;
  /** onnxruntime intra-op threads (default: onnxruntime's). */
  readonly threads?: number;
  /** Stop between frames; the partial output is removed. */
  readonly signal?: AbortSignal;
  /** Called after every frame. */
  readonly onFrame?: (done: number, total: number | undefined) => void;
  /** Where provider fallback messages go (default: console.warn). */
  readonly log?: (message: string) => void;
}

/** What summary.json holds (and {@link segmentVideo} resolves to). */
export interface SegmentSummary {
  readonly model: {
    readonly bundle: string;
    readonly name: string;
    readonly role: string;
    readonly architecture: string;
    readonly parameters: number | null;
    readonly input: { readonly width: number; readonly height: number };
  };
  /** onnxruntime execution provider that ran the graphs (e.g. "cpu"). */
  readonly provider: string;
  readonly input: {
    readonly path: string;
    readonly kind: 'video' | 'folder';
    readonly width: number;
    readonly height: number;
    readonly fps: number | null;
  };
  readonly frames: number;
  /** Slots K of the model. */
  readonly slotCount: number;
  /** Distinct labels (slots) that own at least one pixel somewhere in the video. */
  readonly slotsUsed: number;
  /** Mean number of labels present per frame. */
  readonly meanSlotsPerFrame: number;
  /** Frames per second of the pipeline (pre-processing, encoder, slot steps, masks). */
  readonly pipelineFps: number;
  /** Frames per second over the whole run, decoding and writing the outputs included. */
  readonly wallFps: number;
  readonly wallSeconds: number;
  /** Share of the pipeline time spent inside onnxruntime. */
  readonly inferenceShare: number;
  readonly meanMs: TimingSummary['meanMs'];
  /** Output files, relative to the output folder. */
  readonly outputs: { readonly masks: string; readonly overlay: string | null; readonly summary: string };
}

/** Segment `input` with `model` into `out` (pipeline and output rules in the file header). */
export async function segmentVideo(options: SegmentVideoOptions): Promise<SegmentSummary> {
  const overlayKind = options.overlay ?? 'gif';
  if (!['gif', 'mp4', 'none'].includes(overlayKind)) {
    throw new InputError('overlay', `must be gif, mp4 or none, got ${overlayKind}`);
  }
  if (options.fps !== undefined && !(options.fps > 0 && options.fps <= 240)) {
    throw new InputError('fps', `must be in (0, 240], got ${options.fps}`);
  }
  const start = performance.now();
  const input = await openInput(options.input, options.maxFrames);
  const backend = createNodeBackend({
    ...(options.device ? { device: options.device } : {}),
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const segmenter = await loadSegmenter(options.model, {
    backend,
    ...(options.batchSize !== undefined ? { segment: { batchSize: options.batchSize } } : {}),
  });
  let staged: Awaited<ReturnType<typeof stageFolder>> | undefined;
  let overlay: OverlayWriter | undefined;
  try {
    const m = segmenter.manifest;
    staged = await stageFolder(options.out);
    await mkdir(join(staged.path, 'masks'));
    const overlayName = overlayKind === 'none' ? null : `overlay.${overlayKind}`;
    const timings = new TimingAccumulator();
    const used = new Set<number>();
    let labelsPerFrame = 0;
    let frames = 0;
    for await (const r of segmenter.segment(input.frames, options.signal ? { signal: options.signal } : {})) {
      const labels = r.labels!;
      await writeFile(
        join(staged.path, 'masks', `${String(r.index).padStart(5, '0')}.png`),
        encodePalettePng(labels, r.width, r.height),
      );
      if (overlayName) {
        overlay ??= createOverlayWriter(join(staged.path, overlayName), r.width, r.height, {
          fps: options.fps ?? input.fps ?? 24,
        });
        await overlay.write(r.frame, labels);
      }
      const present = new Set<number>();
      for (const v of labels) present.add(v);
      for (const v of present) used.add(v);
      labelsPerFrame += present.size;
      timings.add(r.timings);
      frames++;
      options.onFrame?.(frames, input.frameCount);
    }
    await overlay?.close();
    overlay = undefined;
    const t = timings.summary();
    const wallSeconds = (performance.now() - start) / 1000;
    const summary: SegmentSummary = {
      model: {
        bundle: options.model,
        name: m.name,
        role: m.role,
        architecture: m.architecture,
        parameters: m.parameters?.total ?? null,
        input: { width: m.input.width, height: m.input.height },
      },
      provider: backend.provider ?? 'unknown',
      input: {
        path: options.input,
        kind: input.kind,
        width: input.width,
        height: input.height,
        fps: input.fps ?? null,
      },
      frames,
      slotCount: m.slots.count,
      slotsUsed: used.size,
      meanSlotsPerFrame: frames === 0 ? 0 : labelsPerFrame / frames,
      pipelineFps: t.framesPerSecond,
      wallFps: frames / wallSeconds,
      wallSeconds,
      inferenceShare: t.inferenceShare,
      meanMs: t.meanMs,
      outputs: { masks: 'masks', overlay: overlayName, summary: 'summary.json' },
    };
    await writeFile(join(staged.path, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    await staged.commit();
    staged = undefined;
    return summary;
  } finally {
    overlay?.abort();
    await staged?.discard();
    await segmenter.dispose();
  }
}

/** One line per figure of a summary, for the console. */
export function formatSummary(s: SegmentSummary, out: string): string {
  return [
    `model      ${s.model.name} (${s.model.role}, ${s.model.parameters ?? '?'} parameters) on ${s.provider}`,
    `input      ${s.input.path}: ${s.frames} frames of ${s.input.width}×${s.input.height}`,
    `slots      ${s.slotCount} slots, ${s.slotsUsed} used, ${s.meanSlotsPerFrame.toFixed(1)} per frame on average`,
    `speed      ${s.pipelineFps.toFixed(1)} fps in the pipeline (${(s.inferenceShare * 100).toFixed(0)}% inside onnxruntime), ` +
      `${s.wallFps.toFixed(1)} fps overall with loading, decoding and writing (${s.wallSeconds.toFixed(1)} s)`,
    `written    ${out}/masks/00000.png …${s.outputs.overlay ? `, ${out}/${s.outputs.overlay}` : ''}, ${out}/summary.json`,
  ].join('\n');
}
