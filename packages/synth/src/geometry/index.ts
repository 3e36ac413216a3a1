export { insidePolygon } from './polygon.js';
export { sinCos } from './trig.js';
