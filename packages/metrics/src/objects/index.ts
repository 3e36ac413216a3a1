export { adjustedRandIndex } from './adjustedRandIndex.js';
export {
  createObjectMetricsAccumulator,
  type ObjectMetricsAccumulator,
  type ObjectMetricsOptions,
  type ObjectMetricsResult,
} from './objectMetricsAccumulator.js';
