export { type BundleSource, bytesBundleSource } from './bundleSource.js';
export {
  type BundleFileCache,
  type FetchSourceOptions,
  fetchBundleSource,
} from './fetchSource.js';
export { expectedGraphShapes, type GraphSignature, type TensorInfo, validateGraphIO } from './graphIO.js';
export {
  BUNDLE_ARCHITECTURES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleArchitecture,
  type BundleManifest,
  type BundleRole,
  GRAPH_IO,
  GRAPH_KINDS,
  type GraphEntry,
  type GraphKind,
  OPTIONAL_OUTPUT,
  parseManifest,
} from './manifest.js';
