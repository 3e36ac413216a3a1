export {
  type EndToEndOptions,
  type EndToEndResult,
  type ModelResult,
  resultTable,
  runEndToEnd,
} from './endToEnd.js';
export { checkPython, PYTHON_PACKAGE_DIR, type PythonOptions, pythonPath, runPython } from './python.js';
export {
  loadRecipe,
  type ModelRecipe,
  modelArgs,
  RECIPES_DIR,
  type Recipe,
  validateRecipe,
} from './recipe.js';
export { type SplitRun, segmentSplit } from './segmentSplit.js';
