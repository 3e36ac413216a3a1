/**
 * PyTorch `nn.GRUCell` forward (gate order r, z, n in the stacked weights):
 *   r = σ(W_ir·x + b_ir + W_hr·h + b_hr),  z = σ(W_iz·x + b_iz + W_hz·h + b_hz),
 *   n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.
 * Source: torch.nn.GRUCell documentation; SlotContrast's corrector (`gru.*` keys).
 */
import { sigmoid } from '../ops/elementwise.js';
import { linear } from '../ops/linear.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Weights of a GRU cell by their `nn.GRUCell` names. */
export interface GruCellWeights {
  /** [3H, I] */
  readonly weightIh: Tensor;
  /** [3H, H] */
  readonly weightHh: Tensor;
  /** [3H] */
  readonly biasIh: Tensor;
  /** [3H] */
  readonly biasHh: Tensor;
}

/** One GRU cell step for N rows: input [N, I], hidden [N, H] → new hidden [N, H] (float64). */
export function gruCell(input: Tensor, hidden: Tensor, w: GruCellWeights): Tensor<Float64Array> {
  const sizes: Record<string, number> = {};
  expectShape('gruCell input', input, ['N', 'I'], sizes);
  expectShape('gruCell hidden', hidden, ['N', 'H'], sizes);
  const h = sizes.H!;
  sizes.G = 3 * h;
  expectShape('gru.weight_ih', w.weightIh, ['G', 'I'], sizes);
  expectShape('gru.weight_hh', w.weightHh, ['G', 'H'], sizes);
  expectShape('gru.bias_ih', w.biasIh, ['G'], sizes);
  expectShape('gru.bias_hh', w.biasHh, ['G'], sizes);
  const gi = linear(input, w.weightIh, w.biasIh).data;
  const gh = linear(hidden, w.weightHh, w.biasHh).data;
  const n = sizes.N!;
  const out = new Float64Array(n * h);
  for (let row = 0; row < n; row++) {
    const g = row * 3 * h;
    for (let j = 0; j < h; j++) {
      const r = sigmoid(gi[g + j]! + gh[g + j]!);
      const z = sigmoid(gi[g + h + j]! + gh[g + h + j]!);
      const c = Math.tanh(gi[g + 2 * h + j]! + r * gh[g + 2 * h + j]!);
      out[row * h + j] = (1 - z) * c + z * hidden.data[row * h + j]!;
    }
  }
  return { data: out, dims: [n, h] };
}
