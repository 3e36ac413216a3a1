/**
 * The `model.json` manifest of a slotmatch model bundle (docs/MODEL_BUNDLE.md, format version 1):
 * types, and parsing with every manifest-level validation rule (rules 1, 2 and 4 of the document;
 * rule 3, the graphs' I/O, is checked by {@link validateGraphIO} once sessions exist).
 */
import { InputError } from '../errors/index.js';

/** The `format` string of every bundle. */
export const BUNDLE_FORMAT = 'slotmatch-bundle';
/** The newest manifest format version these packages read. */
export const BUNDLE_FORMAT_VERSION = 1;
/** Architectures whose graphs follow the I/O table of docs/MODEL_BUNDLE.md. */
export const BUNDLE_ARCHITECTURES = ['slotcontrast', 'smtc'] as const;
/** The three graphs of a bundle, in execution order. */
export const GRAPH_KINDS = ['encoder', 'first', 'next'] as const;
/** Input and output names each graph must declare, in order (docs/MODEL_BUNDLE.md, "Graph I/O"). */
export const GRAPH_IO: Readonly<
  Record<GraphKind, { inputs: readonly string[]; outputs: readonly string[] }>
> = {
  encoder: { inputs: ['pixels'], outputs: ['features'] },
  first: { inputs: ['features'], outputs: ['slots', 'masks', 'attention', 'next_init'] },
  next: { inputs: ['features', 'init'], outputs: ['slots', 'masks', 'attention', 'next_init'] },
};
/** The optional extra output that may follow a slot step's outputs. */
export const OPTIONAL_OUTPUT = 'reconstruction';

export type GraphKind = (typeof GRAPH_KINDS)[number];
export type BundleRole = 'teacher' | 'student';
export type BundleArchitecture = (typeof BUNDLE_ARCHITECTURES)[number];

/** One graph entry of the manifest. */
export interface GraphEntry {
  readonly file: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** A validated manifest. Unknown extra fields are kept in `extra`. */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly name: string;
  readonly role: BundleRole;
  readonly architecture: BundleArchitecture;
  readonly input: {
    readonly height: number;
    readonly width: number;
    readonly channelOrder: 'rgb';
    readonly valueRange: readonly [number, number];
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
    readonly resize: 'bicubic';
  };
  readonly tokens: { readonly gridHeight: number; readonly gridWidth: number; readonly dim: number };
  readonly slots: {
    readonly count: number;
    readonly dim: number;
    readonly iterationsFirst: number;
    readonly iterationsNext: number;
  };
  readonly graphs: Readonly<Record<GraphKind, GraphEntry>>;
  readonly parameters?: { readonly total: number; readonly trainable: number };
  readonly provenance?: Readonly<Record<string, unknown>>;
  readonly card?: Readonly<Record<string, unknown>>;
}

type Json = Record<string, unknown>;

class ManifestReader {
  constructor(readonly subject: string) {}

  fail(path: string, rule: string): never {
    throw new InputError(`${this.subject}: ${path}`, rule);
  }

  object(v: unknown, path: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(path, `must be an object, got ${kind(v)}`);
    return v as Json;
  }

  positiveInt(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      this.fail(path, `must be a positive integer, got ${show(v)}`);
    return v;
  }

  numbers(v: unknown, path: string, length: number): number[] {
    if (
      !Array.isArray(v) ||
      v.length !== length ||
      v.some((x) => typeof x !== 'number' || !Number.isFinite(x))
    ) {
      this.fail(path, `must be ${length} finite numbers, got ${show(v)}`);
    }
    return v as number[];
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.fail(path, `must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${show(v)}`);
    }
    return v as T;
  }

  names(v: unknown, path: string): string[] {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      this.fail(path, `must be a list of tensor names, got ${show(v)}`);
    }
    return v as string[];
  }
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * A graph file name must stay inside the bundle: a plain relative path of `[A-Za-z0-9._-]` segments
 * separated by `/`, ending in `.onnx`, no `..`, no leading `/` (so a URL or folder bundle cannot
 * point outside itself).
 */
function checkFileName(r: ManifestReader, v: unknown, path: string): string {
  if (
    typeof v !== 'string' ||
    !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\.onnx$/.test(v) ||
    v.split('/').some((s) => s === '..' || s === '.')
  ) {
    r.fail(path, `must be a relative .onnx file name inside the bundle, got ${show(v)}`);
  }
  return v as string;
}

function sameNames(actual: readonly string[], expected: readonly string[]): boolean {
  return actual.length === expected.length && actual.every((n, i) => n === expected[i]);
}

/**
 * Parse and validate a manifest (JSON text or an already parsed value). `subject` names the bundle
 * in errors (e.g. its folder or URL). Rules (docs/MODEL_BUNDLE.md): `format` = "slotmatch-bundle";
 * `formatVersion` an integer ≤ {@link BUNDLE_FORMAT_VERSION}; `name` matches [A-Za-z0-9._-]+;
 * `role` teacher|student; `architecture` known; sizes positive integers; `mean`/`std` 3 numbers,
 * std > 0; `valueRange` [lo, hi] with lo < hi; `channelOrder` rgb; `resize` bicubic; the graphs'
 * input/output names exactly those of the I/O table (slot steps may add `reconstruction`).
 */
export function parseManifest(source: string | unknown, subject = 'model.json'): BundleManifest {
  const r = new ManifestReader(subject);
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (e) {
      throw new InputError(subject, `model.json is not valid JSON (${(e as Error).message})`, { cause: e });
    }
  }
  const m = r.object(value, 'manifest');
  if (m.format !== BUNDLE_FORMAT) r.fail('format', `must be "${BUNDLE_FORMAT}", got ${show(m.format)}`);
  const formatVersion = r.positiveInt(m.formatVersion, 'formatVersion');
  if (formatVersion > BUNDLE_FORMAT_VERSION) {
    r.fail(
      'formatVersion',
      `is ${formatVersion}; this runtime reads format version ${BUNDLE_FORMAT_VERSION} — upgrade @slotmatch`,
    );
  }
  if (typeof m.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(m.name)) {
    r.fail('name', `must match [A-Za-z0-9._-]+, got ${show(m.name)}`);
  }
  const role = r.oneOf(m.role, 'role', ['teacher', 'student'] as const);
  const architecture = r.oneOf(m.architecture, 'architecture', BUNDLE_ARCHITECTURES);

  const inp = r.object(m.input, 'input');
  const height = r.positiveInt(inp.height, 'input.height');
  const width = r.positiveInt(inp.width, 'input.width');
  const channelOrder = r.oneOf(inp.channelOrder ?? 'rgb', 'input.channelOrder', ['rgb'] as const);
  const valueRange = r.numbers(inp.valueRange ?? [0, 1], 'input.valueRange', 2) as [number, number];
  if (!(valueRange[0] < valueRange[1]))
    r.fail('input.valueRange', `must be [lo, hi] with lo < hi, got ${show(valueRange)}`);
  const mean = r.numbers(inp.mean, 'input.mean', 3) as [number, number, number];
  const std = r.numbers(inp.std, 'input.std', 3) as [number, number, number];
  if (std.some((s) => s <= 0)) r.fail('input.std', `every entry must be > 0, got ${show(std)}`);
  const resize = r.oneOf(inp.resize ?? 'bicubic', 'input.resize', ['bicubic'] as const);

  const tok = r.object(m.tokens, 'tokens');
  const tokens = {
    gridHeight: r.positiveInt(tok.gridHeight, 'tokens.gridHeight'),
    gridWidth: r.positiveInt(tok.gridWidth, 'tokens.gridWidth'),
    dim: r.positiveInt(tok.dim, 'tokens.dim'),
  };
  const sl = r.object(m.slots, 'slots');
  const slots = {
    count: r.positiveInt(sl.count, 'slots.count'),
    dim: r.positiveInt(sl.dim, 'slots.dim'),
    iterationsFirst: r.positiveInt(sl.iterationsFirst, 'slots.iterationsFirst'),
    iterationsNext: r.positiveInt(sl.iterationsNext, 'slots.iterationsNext'),
  };
  if (slots.count > 255)
    r.fail('slots.count', `must be ≤ 255 (labels slot + 1 are written to 8-bit PNGs), got ${slots.count}`);

  const g = r.object(m.graphs, 'graphs');
  const graphs = {} as Record<GraphKind, GraphEntry>;
  for (const kindName of GRAPH_KINDS) {
    const e = r.object(g[kindName], `graphs.${kindName}`);
    const file = checkFileName(r, e.file, `graphs.${kindName}.file`);
    const inputs = r.names(e.inputs, `graphs.${kindName}.inputs`);
    const outputs = r.names(e.outputs, `graphs.${kindName}.outputs`);
    const want = GRAPH_IO[kindName];
    if (!sameNames(inputs, want.inputs)) {
      r.fail(`graphs.${kindName}.inputs`, `must be ${show(want.inputs)}, got ${show(inputs)}`);
    }
    const allowExtra =
      kindName !== 'encoder' &&
      outputs.length === want.outputs.length + 1 &&
      outputs.at(-1) === OPTIONAL_OUTPUT;
    if (!sameNames(allowExtra ? outputs.slice(0, -1) : outputs, want.outputs)) {
      r.fail(
        `graphs.${kindName}.outputs`,
        `must be ${show(want.outputs)}${kindName === 'encoder' ? '' : ` (optionally followed by "${OPTIONAL_OUTPUT}")`}, got ${show(outputs)}`,
      );
    }
    graphs[kindName] = { file, inputs, outputs };
  }

  let parameters: BundleManifest['parameters'];
  if (m.parameters !== undefined) {
    const p = r.object(m.parameters, 'parameters');
    const total = r.positiveInt(p.total, 'parameters.total');
    const trainable = p.trainable === 0 ? 0 : r.positiveInt(p.trainable, 'parameters.trainable');
    parameters = { total, trainable };
  }
  const provenance = m.provenance === undefined ? undefined : r.object(m.provenance, 'provenance');
  const card = m.card === undefined || m.card === null ? undefined : r.object(m.card, 'card');

  return {
    format: BUNDLE_FORMAT,
    formatVersion,
    name: m.name as string,
    role,
    architecture,
    input: { height, width, channelOrder, valueRange, mean, std, resize },
    tokens,
    slots,
    graphs,
    ...(parameters ? { parameters } : {}),
    ...(provenance ? { provenance } : {}),
    ...(card ? { card } : {}),
  };
}
