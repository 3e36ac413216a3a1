export { add, relu, sigmoid } from './elementwise.js';
export { expBackend, expInPlace } from './expWasm.js';
export { gemm, gemmNN, gemmNT, gemmTN, transpose } from './gemm.js';
export { gemmBackend } from './gemmWasm.js';
export { layerNorm } from './layerNorm.js';
export { linear } from './linear.js';
export { type MatmulOptions, matmul } from './matmul.js';
export { softmax } from './softmax.js';
export { hasStateTensor, type StateDict, stateTensor } from './stateDict.js';
