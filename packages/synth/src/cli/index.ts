export { type CliIO, main, USAGE } from './main.js';
