/**
 * Rule 3 of docs/MODEL_BUNDLE.md: a graph's input and output names are exactly the manifest's (an
 * extra `reconstruction` output is allowed) and every static dimension agrees with the manifest:
 *
 *     encoder  pixels [N,3,H,W] → features [N,P,D]
 *     first    features [B,P,D] → slots [B,K,S], masks [B,K,P], attention [B,K,P], next_init [B,K,S]
 *     next     features [B,P,D], init [B,K,S] → same as first
 *     (optional) reconstruction [B,P,D]
 *
 * with P = gridHeight·gridWidth. The batch axis is dynamic (a graph exported with a static batch of 1
 * is accepted and run one frame at a time); symbolic or unknown dims are accepted.
 * Works on an abstract signature, so core stays independent of the inference library.
 */
import { InputError } from '../errors/index.js';
import { type BundleManifest, type GraphKind, OPTIONAL_OUTPUT } from './manifest.js';

/** Name, element type and dims of one graph input/output, as an inference session reports them. */
export interface TensorInfo {
  readonly name: string;
  /** Element type, e.g. "float32"; unchecked when absent. */
  readonly type?: string;
  /** Dims: numbers for static axes, strings/null/−1 for dynamic ones; unchecked when absent. */
  readonly dims?: readonly (number | string | null)[];
}

/** The inputs and outputs of a loaded graph. */
export interface GraphSignature {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/** Expected dims of every tensor of a graph (null = dynamic batch axis), from the manifest. */
export function expectedGraphShapes(
  manifest: BundleManifest,
  kind: GraphKind,
): Record<string, (number | null)[]> {
  const { height: h, width: w } = manifest.input;
  const p = manifest.tokens.gridHeight * manifest.tokens.gridWidth;
  const d = manifest.tokens.dim;
  const k = manifest.slots.count;
  const s = manifest.slots.dim;
  if (kind === 'encoder') return { pixels: [null, 3, h, w], features: [null, p, d] };
  const step: Record<string, (number | null)[]> = {
    features: [null, p, d],
    slots: [null, k, s],
    masks: [null, k, p],
    attention: [null, k, p],
    next_init: [null, k, s],
    [OPTIONAL_OUTPUT]: [null, p, d],
  };
  if (kind === 'next') step.init = [null, k, s];
  return step;
}

function show(dims: readonly unknown[]): string {
  return `[${dims.map((d) => (d === null ? '?' : typeof d === 'string' ? d : String(d))).join(',')}]`;
}

/**
 * Check a loaded graph against the manifest (rule in the file header). `subject` names the bundle
 * and file (e.g. "tiny-teacher/first.onnx"); the error says which tensor and which rule failed.
 */
export function validateGraphIO(
  manifest: BundleManifest,
  kind: GraphKind,
  graph: GraphSignature,
  subject: string,
): void {
  const entry = manifest.graphs[kind];
  const check = (side: 'input' | 'output', actual: readonly TensorInfo[], wanted: readonly string[]) => {
    const names = actual.map((t) => t.name);
    const missing = wanted.filter((n) => !names.includes(n));
    const extra = names.filter(
      (n) => !wanted.includes(n) && !(side === 'output' && kind !== 'encoder' && n === OPTIONAL_OUTPUT),
    );
    if (missing.length > 0 || extra.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`missing ${missing.map((n) => `"${n}"`).join(', ')}`);
      if (extra.length > 0) parts.push(`unexpected ${extra.map((n) => `"${n}"`).join(', ')}`);
      throw new InputError(
        subject,
        `graph ${side}s [${names.join(', ')}] do not match the manifest's graphs.${kind}.${side}s [${wanted.join(', ')}]: ${parts.join('; ')}`,
      );
    }
  };
  check('input', graph.inputs, entry.inputs);
  check('output', graph.outputs, entry.outputs);

  const expected = expectedGraphShapes(manifest, kind);
  for (const t of [...graph.inputs, ...graph.outputs]) {
    if (t.type !== undefined && t.type !== 'float32') {
      throw new InputError(
        subject,
        `tensor "${t.name}" has element type ${t.type}, the bundle format requires float32`,
      );
    }
    const want = expected[t.name];
    if (!want || t.dims === undefined) continue;
    if (t.dims.length !== want.length) {
      throw new InputError(
        subject,
        `tensor "${t.name}" has rank ${t.dims.length} ${show(t.dims)}, the manifest implies ${show(want)}`,
      );
    }
    for (let i = 0; i < want.length; i++) {
      const a = t.dims[i];
      const e = want[i];
      if (e === null && typeof a === 'number' && a > 1) {
        throw new InputError(
          subject,
          `tensor "${t.name}" has a static batch axis of ${a} ${show(t.dims)}; the bundle format needs a dynamic batch axis (or 1)`,
        );
      }
      if (e === null || typeof a !== 'number' || a < 0) continue;
      if (a !== e) {
        throw new InputError(
          subject,
          `tensor "${t.name}" has dims ${show(t.dims)}, the manifest implies ${show(want)} (axis ${i}: ${a} ≠ ${e})`,
        );
      }
    }
  }
}
