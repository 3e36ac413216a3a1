/**
 * Where a bundle's files come from. The runtimes provide folder, URL and cache sources (file
 * system and fetch live at the edges); core only needs "read this file of the bundle".
 */
import { InputError } from '../errors/index.js';

/** A bundle's files, addressed by their path inside the bundle (e.g. "model.json"). */
export interface BundleSource {
  /** How errors name the bundle: a folder, a URL, "bytes:<name>". */
  readonly name: string;
  /** The bytes of one file of the bundle; rejects when it is missing or unreadable. */
  read(file: string): Promise<Uint8Array>;
}

/**
 * A bundle held in memory: `files` maps each path inside the bundle ("model.json",
 * "encoder.onnx", …) to its bytes (strings are UTF-8 encoded).
 */
export function bytesBundleSource(
  name: string,
  files: Readonly<Record<string, Uint8Array | ArrayBuffer | string>>,
): BundleSource {
  const encoder = new TextEncoder();
  return {
    name,
    async read(file: string): Promise<Uint8Array> {
      const v = Object.hasOwn(files, file) ? files[file] : undefined;
      if (v === undefined) throw new InputError(`${name}/${file}`, 'the bundle has no such file');
      if (typeof v === 'string') return encoder.encode(v);
      return v instanceof Uint8Array ? v : new Uint8Array(v);
    },
  };
}
