/**
 * The runtime-agnostic video pipeline (issue #5):
 *
 *     frames (RGB/RGBA, any size) → bicubic resize (a = −0.75, half-pixel) + normalisation
 *       → encoder on batches of B frames → features [B, P, D]
 *       → per frame, in order: first step (frame 0) or next step with init = previous next_init
 *       → decoder masks [K, h, w] bilinearly upsampled to the frame size → argmax → label map
 *
 * Streaming: one result per frame, in order, as an async generator; at most one encoder batch of
 * B frames (their pixels and features) and the carried slots are held at any time, so memory does
 * not grow with the video length. The source is pulled only when the next batch is needed.
 */

import type { BundleSource } from '../bundle/bundleSource.js';
import { InputError } from '../errors/index.js';
import { type RgbFrame, validateFrame } from '../image/frame.js';
import { FramePreprocessor } from '../image/preprocess.js';
import { LabelMapper, upsampleMasks } from '../masks/upsampleMasks.js';
import { type HostTensor, type InferenceBackend, shapeSize } from './backend.js';
import { type LoadedModel, loadModel } from './loadModel.js';
import { type FrameTimings, nowMs } from './timings.js';

/** A video as a (sync or async) sequence of frames. */
export type FrameSource<F = RgbFrame> = Iterable<F> | AsyncIterable<F>;

/** Options of {@link Segmenter.segment}. */
export interface SegmentOptions {
  /** Frames per encoder run (default 4). Memory holds one batch. */
  readonly batchSize?: number;
  /** Soft masks in the result: none (default), the token grid [K, h, w], or the frame [K, H, W]. */
  readonly masks?: 'none' | 'grid' | 'frame';
  /** Include the last slot-attention map [K, h, w] (default false). */
  readonly attention?: boolean;
  /** Compute the label map (default true). */
  readonly labels?: boolean;
  /** Stop between frames when aborted (the generator throws the signal's reason). */
  readonly signal?: AbortSignal;
}

/** One frame's output. */
export interface FrameResult {
  /** Frame number in the video, from 0. */
  readonly index: number;
  /** The input frame (not copied). */
  readonly frame: RgbFrame;
  readonly width: number;
  readonly height: number;
  /** Slots [K, S] after this frame's slot step. */
  readonly slots: Float32Array;
  /** Label map [H, W] at the frame size: slot index + 1 (argmax of the upsampled decoder masks). */
  readonly labels?: Uint8Array;
  /** Soft decoder masks, [K, h, w] ("grid") or [K, H, W] ("frame"). */
  readonly masks?: Float32Array;
  /** Last slot-attention iteration [K, h, w]. */
  readonly attention?: Float32Array;
  readonly timings: FrameTimings;
}

/** What one `segment` call carries from frame to frame. */
interface RunState {
  /** next_init of the previous frame (undefined before the first frame). */
  carry: Float32Array | undefined;
  index: number;
  readonly labels: LabelMapper;
}

interface Pending {
  readonly frame: RgbFrame;
  readonly preprocessMs: number;
}

/** Streams a loaded bundle over videos; one segmenter can run several videos in turn. */
export class Segmenter {
  readonly model: LoadedModel;
  private readonly defaults: SegmentOptions;
  private disposed = false;

  constructor(model: LoadedModel, defaults: SegmentOptions = {}) {
    this.model = model;
    this.defaults = defaults;
  }

  /**
   * Load and validate the bundle of `source` on `backend` (core {@link loadModel}: manifest, graph
   * files and graph I/O, all before the first frame) and return a segmenter over it.
   */
  static async load(
    source: BundleSource,
    backend: InferenceBackend,
    defaults: SegmentOptions = {},
  ): Promise<Segmenter> {
    return new Segmenter(await loadModel(source, backend), defaults);
  }

  get manifest() {
    return this.model.manifest;
  }

  /** Segment a video (pipeline in the file header): one {@link FrameResult} per frame, in order. */
  async *segment(
    frames: FrameSource,
    options: SegmentOptions = {},
  ): AsyncGenerator<FrameResult, void, undefined> {
    if (this.disposed) throw new InputError(this.model.source, 'the segmenter has been disposed');
    const opts = { ...this.defaults, ...options };
    const requested = opts.batchSize ?? 4;
    if (!Number.isInteger(requested) || requested <= 0) {
      throw new InputError('batchSize', `must be a positive integer, got ${requested}`);
    }
    // An encoder exported with a static batch axis of 1 runs one frame at a time.
    const pixels = this.model.sessions.encoder.signature.inputs.find((t) => t.name === 'pixels');
    const batchSize = pixels?.dims?.[0] === 1 ? 1 : requested;
    if (
      frames === null ||
      typeof frames !== 'object' ||
      !(Symbol.iterator in frames || Symbol.asyncIterator in frames)
    ) {
      throw new InputError('frames', 'must be an iterable or async iterable of frames');
    }
    const pre = new FramePreprocessor(this.model.manifest.input);
    const batch = new Float32Array(batchSize * pre.frameSize);
    const { slots, tokens } = this.model.manifest;
    const state: RunState = {
      carry: undefined,
      index: 0,
      labels: new LabelMapper(slots.count, tokens.gridHeight, tokens.gridWidth, 1),
    };
    let pending: Pending[] = [];
    let seen = 0;
    for await (const frame of frames) {
      opts.signal?.throwIfAborted();
      const t0 = nowMs();
      validateFrame(frame, `frame ${seen}`);
      pre.run(frame, batch, pending.length * pre.frameSize, `frame ${seen}`);
      seen++;
      pending.push({ frame, preprocessMs: nowMs() - t0 });
      if (pending.length === batchSize) {
        const full = pending;
        pending = [];
        yield* this.runBatch(full, batch, state, opts);
      }
    }
    if (pending.length > 0) yield* this.runBatch(pending, batch, state, opts);
  }

  private expect(
    tensor: HostTensor | undefined,
    name: string,
    file: string,
    dims: readonly number[],
  ): HostTensor {
    if (!tensor) throw new InputError(`${this.model.source}/${file}`, `returned no "${name}" output`);
    const n = shapeSize(dims);
    if (tensor.data.length !== n || !(tensor.data instanceof Float32Array)) {
      throw new InputError(
        `${this.model.source}/${file}`,
        `output "${name}" has dims [${tensor.dims.join(',')}] (${tensor.data.length} values), expected [${dims.join(',')}]`,
      );
    }
    return tensor;
  }

  private async *runBatch(
    pending: readonly Pending[],
    batch: Float32Array,
    state: RunState,
    opts: SegmentOptions,
  ): AsyncGenerator<FrameResult, void, undefined> {
    if (this.disposed) throw new InputError(this.model.source, 'the segmenter has been disposed');
    const m = this.model.manifest;
    const { encoder, first, next } = this.model.sessions;
    const n = pending.length;
    const { height: ih, width: iw } = m.input;
    const gh = m.tokens.gridHeight;
    const gw = m.tokens.gridWidth;
    const p = gh * gw;
    const d = m.tokens.dim;
    const k = m.slots.count;
    const s = m.slots.dim;
    const pixelCount = 3 * ih * iw;

    const t0 = nowMs();
    const encoded = await encoder.run({
      pixels: {
        data: n * pixelCount === batch.length ? batch : batch.subarray(0, n * pixelCount),
        dims: [n, 3, ih, iw],
      },
    });
    const encoderMs = (nowMs() - t0) / n;
    const features = this.expect(encoded.features, 'features', m.graphs.encoder.file, [n, p, d]).data;

    for (let i = 0; i < n; i++) {
      opts.signal?.throwIfAborted();
      const { frame, preprocessMs } = pending[i]!;
      const featureTensor: HostTensor = {
        data: features.subarray(i * p * d, (i + 1) * p * d),
        dims: [1, p, d],
      };
      const t1 = nowMs();
      const isFirst = state.carry === undefined;
      const out = isFirst
        ? await first.run({ features: featureTensor })
        : await next.run({ features: featureTensor, init: { data: state.carry!, dims: [1, k, s] } });
      const stepMs = nowMs() - t1;
      const file = isFirst ? m.graphs.first.file : m.graphs.next.file;
      const slots = this.expect(out.slots, 'slots', file, [1, k, s]).data;
      const masks = this.expect(out.masks, 'masks', file, [1, k, p]).data;
      const attention = this.expect(out.attention, 'attention', file, [1, k, p]).data;
      state.carry = this.expect(out.next_init, 'next_init', file, [1, k, s]).data;

      const t2 = nowMs();
      const { width, height } = frame;
      const labels = opts.labels === false ? undefined : state.labels.run(masks, height, width);
      const softMasks =
        opts.masks === 'grid'
          ? masks
          : opts.masks === 'frame'
            ? upsampleMasks(masks, k, gh, gw, height, width)
            : undefined;
      const postprocessMs = nowMs() - t2;
      const result: FrameResult = {
        index: state.index++,
        frame,
        width,
        height,
        slots,
        ...(labels ? { labels } : {}),
        ...(softMasks ? { masks: softMasks } : {}),
        ...(opts.attention ? { attention } : {}),
        timings: {
          preprocessMs,
          encoderMs,
          stepMs,
          postprocessMs,
          totalMs: preprocessMs + encoderMs + stepMs + postprocessMs,
        },
      };
      yield result;
    }
  }

  /** Release the model's sessions; later calls to `segment` throw. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.model.dispose();
  }
}
