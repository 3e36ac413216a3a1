/**
 * Browser stand-in for `node:zlib`, which @slotmatch/metrics' PNG codec imports: the page uses only
 * the metrics' J and F, so these are never called (bundlers link the import before tree-shaking it).
 */
function unavailable(): never {
  throw new Error('node:zlib is not available in the browser (PNG encoding runs in Node only)');
}
export const inflateSync = unavailable;
export const deflateSync = unavailable;
