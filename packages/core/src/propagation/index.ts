export { type LabelPropagationOptions, LabelPropagator } from './labelPropagator.js';
export { labelsToGrid } from './labelsToGrid.js';
