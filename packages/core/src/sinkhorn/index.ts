export { type SinkhornOptions, sinkhorn, sinkhornPlan } from './sinkhorn.js';
