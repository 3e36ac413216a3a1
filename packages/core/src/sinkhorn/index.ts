export {
  type SinkhornOffsets,
  type SinkhornOptions,
  sinkhorn,
  sinkhornPlan,
  sinkhornScalings,
} from './sinkhorn.js';
