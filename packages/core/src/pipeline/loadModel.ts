/**
 * Loading a bundle (docs/MODEL_BUNDLE.md) onto a backend, with every check done before the first
 * frame: the manifest (rules 1, 2), then for each graph in turn: the file is readable, it loads as
 * ONNX, and its I/O matches the manifest (rule 3). Each error names the bundle, the file and the
 * rule (rule 4). On failure every session created so far is disposed.
 */
import type { BundleSource } from '../bundle/bundleSource.js';
import { validateGraphIO } from '../bundle/graphIO.js';
import { type BundleManifest, GRAPH_KINDS, type GraphKind, parseManifest } from '../bundle/manifest.js';
import { InputError } from '../errors/index.js';
import type { InferenceBackend, InferenceSession } from './backend.js';

/** A bundle whose three graphs are loaded and validated. */
export interface LoadedModel {
  readonly source: string;
  readonly manifest: BundleManifest;
  readonly backend: string;
  readonly sessions: Readonly<Record<GraphKind, InferenceSession>>;
  /** Dispose the three sessions. */
  dispose(): Promise<void>;
}

function reason(e: unknown): string {
  return e instanceof InputError ? e.rule : e instanceof Error ? e.message : String(e);
}

async function readFile(source: BundleSource, file: string): Promise<Uint8Array> {
  try {
    return await source.read(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${source.name}/${file}`, `cannot be read: ${reason(e)}`, { cause: e });
  }
}

/** Load and validate a bundle from `source` on `backend` (rules in the file header). */
export async function loadModel(source: BundleSource, backend: InferenceBackend): Promise<LoadedModel> {
  const manifestBytes = await readFile(source, 'model.json');
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes), `${source.name}/model.json`);
  const sessions: Partial<Record<GraphKind, InferenceSession>> = {};
  const disposeAll = async () => {
    await Promise.allSettled(Object.values(sessions).map((s) => s.dispose()));
  };
  try {
    for (const kind of GRAPH_KINDS) {
      const file = manifest.graphs[kind].file;
      const subject = `${source.name}/${file}`;
      const bytes = await readFile(source, file);
      let session: InferenceSession;
      try {
        session = await backend.createSession(bytes, subject);
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(subject, `does not load as an ONNX model on ${backend.name}: ${reason(e)}`, {
          cause: e,
        });
      }
      sessions[kind] = session;
      validateGraphIO(manifest, kind, session.signature, subject);
    }
  } catch (e) {
    await disposeAll();
    throw e;
  }
  return {
    source: source.name,
    manifest,
    backend: backend.name,
    sessions: sessions as Record<GraphKind, InferenceSession>,
    dispose: disposeAll,
  };
}
