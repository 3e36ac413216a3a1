/**
 * Test double for the pipeline tests (not exported from the package): an in-memory backend whose
 * "ONNX bytes" are JSON naming a graph kind, computing small deterministic functions that follow
 * the graph I/O contract of docs/MODEL_BUNDLE.md, and recording every call.
 */
import { bytesBundleSource } from '../bundle/bundleSource.js';
import { expectedGraphShapes } from '../bundle/graphIO.js';
import { type GraphKind, parseManifest } from '../bundle/manifest.js';
import type { HostTensor, InferenceBackend, InferenceSession } from './backend.js';

export function tinyManifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'slotmatch-bundle',
    formatVersion: 1,
    name: 'tiny-test',
    role: 'teacher',
    architecture: 'slotcontrast',
    input: {
      height: 8,
      width: 8,
      channelOrder: 'rgb',
      valueRange: [0, 1],
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      resize: 'bicubic',
    },
    tokens: { gridHeight: 2, gridWidth: 2, dim: 3 },
    slots: { count: 3, dim: 4, iterationsFirst: 3, iterationsNext: 2 },
    graphs: {
      encoder: { file: 'encoder.onnx', inputs: ['pixels'], outputs: ['features'] },
      first: {
        file: 'first.onnx',
        inputs: ['features'],
        outputs: ['slots', 'masks', 'attention', 'next_init'],
      },
      next: {
        file: 'next.onnx',
        inputs: ['features', 'init'],
        outputs: ['slots', 'masks', 'attention', 'next_init'],
      },
    },
    parameters: { total: 100, trainable: 10 },
    provenance: { source: 'test', converter: 'none', trainingCommand: null, seed: null },
    ...overrides,
  };
}

export interface RecordedCall {
  readonly kind: GraphKind;
  readonly feeds: Record<string, { data: Float32Array; dims: number[] }>;
}

/** A backend running the fake graphs; `calls` records copies of every feed; `disposed` counts disposals. */
export class FakeBackend implements InferenceBackend {
  readonly name = 'fake';
  readonly calls: RecordedCall[] = [];
  disposed = 0;
  constructor(
    private readonly manifest = parseManifest(tinyManifest()),
    private readonly failOn: GraphKind | undefined = undefined,
  ) {}

  async createSession(model: Uint8Array, subject: string): Promise<InferenceSession> {
    let kind: GraphKind;
    try {
      kind = JSON.parse(new TextDecoder().decode(model)).graph;
    } catch {
      throw new Error(`protobuf parsing failed (${subject})`);
    }
    if (kind === this.failOn) throw new Error('simulated load failure');
    const m = this.manifest;
    const shapes = expectedGraphShapes(m, kind);
    const io = m.graphs[kind];
    const info = (n: string) => ({ name: n, type: 'float32', dims: shapes[n]!.map((d) => d ?? 'batch') });
    const signature = { inputs: io.inputs.map(info), outputs: io.outputs.map(info) };
    let alive = true;
    return {
      signature,
      run: async (feeds) => {
        if (!alive) throw new Error('session disposed');
        this.calls.push({
          kind,
          feeds: Object.fromEntries(
            Object.entries(feeds).map(([k, v]) => [k, { data: v.data.slice(), dims: [...v.dims] }]),
          ),
        });
        return this.compute(kind, feeds);
      },
      dispose: async () => {
        alive = false;
        this.disposed++;
      },
    };
  }

  /** encoder: token p of frame n = mean of each channel over its patch. Steps: slots = init + mean token. */
  private compute(kind: GraphKind, feeds: Readonly<Record<string, HostTensor>>): Record<string, HostTensor> {
    const m = this.manifest;
    const gh = m.tokens.gridHeight;
    const gw = m.tokens.gridWidth;
    const p = gh * gw;
    const d = m.tokens.dim;
    const k = m.slots.count;
    const s = m.slots.dim;
    if (kind === 'encoder') {
      const px = feeds.pixels!;
      const [n, , h, w] = px.dims as number[];
      const out = new Float32Array(n! * p * d);
      const ph = h! / gh;
      const pw = w! / gw;
      for (let b = 0; b < n!; b++)
        for (let ty = 0; ty < gh; ty++)
          for (let tx = 0; tx < gw; tx++)
            for (let c = 0; c < d; c++) {
              let acc = 0;
              for (let y = ty * ph; y < (ty + 1) * ph; y++)
                for (let x = tx * pw; x < (tx + 1) * pw; x++)
                  acc += px.data[((b * 3 + (c % 3)) * h! + y) * w! + x]!;
              out[(b * p + ty * gw + tx) * d + c] = acc / (ph * pw);
            }
      return { features: { data: out, dims: [n!, p, d] } };
    }
    const f = feeds.features!.data;
    const init =
      kind === 'next' ? feeds.init!.data : Float32Array.from({ length: k * s }, (_, i) => i / (k * s));
    let meanTok = 0;
    for (const v of f) meanTok += v / f.length;
    const slots = init.map((v) => v + meanTok);
    const masks = new Float32Array(k * p);
    for (let t = 0; t < p; t++) {
      let z = 0;
      for (let j = 0; j < k; j++) z += Math.exp(f[t * d + (j % d)]! * (j + 1));
      for (let j = 0; j < k; j++) masks[j * p + t] = Math.exp(f[t * d + (j % d)]! * (j + 1)) / z;
    }
    return {
      slots: { data: slots, dims: [1, k, s] },
      masks: { data: masks, dims: [1, k, p] },
      attention: { data: masks.slice(), dims: [1, k, p] },
      next_init: { data: slots.map((v) => v * 0.5), dims: [1, k, s] },
    };
  }
}

/** The bytes of a fake bundle (manifest + three fake graphs). */
export function fakeBundle(manifest = tinyManifest(), name = 'bytes:tiny') {
  return bytesBundleSource(name, {
    'model.json': JSON.stringify(manifest),
    'encoder.onnx': JSON.stringify({ graph: 'encoder' }),
    'first.onnx': JSON.stringify({ graph: 'first' }),
    'next.onnx': JSON.stringify({ graph: 'next' }),
  });
}
