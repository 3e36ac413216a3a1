// The synthetic world the shipped models were trained and are measured on: models/world.json, read once here
// for the scripts that need it (model-cards.mjs: the test split; main.mjs: the sample video's difficulty).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** models/world.json: seed, videos per split, frames, width, height, difficulty of the shipped world. */
export const WORLD = JSON.parse(
  await readFile(join(resolve(import.meta.dirname, '..'), 'models', 'world.json'), 'utf8'),
);
