/**
 * Browser stand-in for `node:zlib`, which the PNG codec of @slotmatch/metrics imports: the page
 * never encodes or decodes PNGs, so these are never called (the import is linked before the
 * bundler drops the unused code).
 */
function unavailable(): never {
  throw new Error('node:zlib is not available in the browser (PNG encoding runs in Node only)');
}
export const inflateSync = unavailable;
export const deflateSync = unavailable;
