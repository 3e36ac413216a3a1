export { type DimSpec, expectFinite, expectShape, firstNonFinite } from './checks.js';
export {
  type FloatArray,
  formatDims,
  sizeOf,
  stridesOf,
  type Tensor,
  tensor,
  zeros32,
  zeros64,
} from './Tensor.js';
