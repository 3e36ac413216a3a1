export { expectInput } from './checks.js';
export { gradientLike, storedLike } from './gradientLike.js';
export type { LossResult } from './LossResult.js';
export { NORM_EPS, normalizeBackwardRow, normalizeRows } from './rows.js';
