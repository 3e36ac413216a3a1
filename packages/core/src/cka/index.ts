export { type CkaGradients, CkaWorkspace, cka, ckaMatrices } from './cka.js';
