/**
 * Weights addressed by PyTorch `state_dict` key names (e.g. `processor.module.corrector.to_q.weight`),
 * so a reference forward reads an official checkpoint's tensors without renaming. A missing key or a
 * tensor of the wrong shape is an `InputError` naming the key and the expected shape.
 */
import { InputError } from '../errors/InputError.js';
import { type DimSpec, expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Tensors by `state_dict` key. */
export type StateDict = Readonly<Record<string, Tensor>>;

/** `dict[key]` checked against `dims` (named sizes bound in `sizes`); throws `InputError` when absent. */
export function stateTensor(
  dict: StateDict,
  key: string,
  dims: DimSpec,
  sizes: Record<string, number> = {},
): Tensor {
  const t = dict[key];
  if (t === undefined)
    throw new InputError(key, `missing from the weights (expected shape [${dims.join(',')}])`);
  return expectShape(key, t, dims, sizes);
}

/** Whether `dict` holds `key`. */
export function hasStateTensor(dict: StateDict, key: string): boolean {
  return Object.hasOwn(dict, key);
}
