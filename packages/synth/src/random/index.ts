export { createRandom, hash128, latticeHash, type Random, xoshiro128ss } from './random.js';
