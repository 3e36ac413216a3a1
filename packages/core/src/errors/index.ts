export { InputError } from './InputError.js';
