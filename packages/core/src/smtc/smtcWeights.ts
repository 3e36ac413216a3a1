/**
 * SMTC head weights read by the official parameter names of shvdiwnkozbw/SMTC
 * (`src/model/model_twostage.py`, METHODS.md §3):
 *
 *   transport_proj.{weight [D, h̃·w̃, 1], bias [D]}          fusion Conv1d over the fusion grid
 *   slot_attention.slots_mu [1, S, 1, D], slots_sigma [1, S, 1, D] (log σ)
 *   slot_attention.{norm_input, norm_slots, norm_pre_ff}    LayerNorms (D)
 *   slot_attention.{project_q, project_k, project_v}        Linear D→D with bias
 *   slot_attention.mlp.{0,2}                                Linear D→H→D (ReLU between)
 *   mlp_slot.{0,2}                                          instance embedding MLP D→2D→D (optional)
 */
import { InputError } from '../errors/InputError.js';
import { hasStateTensor, type StateDict, stateTensor } from '../ops/stateDict.js';
import type { LayerNormWeights, LinearWeights, MlpWeights } from '../slotAttention/mlp.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Sizes and options of an SMTC head. */
export interface SmtcConfig {
  /** S semantic centres (official 16). */
  readonly centres: number;
  /** P instance slots per centre (official 4; not stored in a checkpoint). */
  readonly instances: number;
  /** D key width (official 384). */
  readonly dim: number;
  /** Fusion grid h̃ × w̃ the previous frame is resized to (official 16 × 16). */
  readonly fusionHeight: number;
  readonly fusionWidth: number;
  /** Slot-attention iterations per stage (official 3). */
  readonly iterations: number;
  /** eps added to the softmax before renormalising (official 1e-8). */
  readonly eps: number;
}

/** SMTC head weights by role. */
export interface SmtcWeights {
  readonly config: SmtcConfig;
  /** Fusion Conv1d as a matrix [D, h̃·w̃] and bias [D]. */
  readonly transport: LinearWeights;
  /** μ [S, D]. */
  readonly mu: Tensor;
  /** log σ [S, D]. */
  readonly logSigma: Tensor;
  readonly normInput: LayerNormWeights;
  readonly normSlots: LayerNormWeights;
  readonly normPreFf: LayerNormWeights;
  readonly projectQ: LinearWeights;
  readonly projectK: LinearWeights;
  readonly projectV: LinearWeights;
  /** Slot update MLP (no norm, not residual; the residual and norm_pre_ff are applied by the caller). */
  readonly mlp: MlpWeights;
  /** Instance embedding MLP `mlp_slot`, when present. */
  readonly mlpSlot?: MlpWeights;
}

/** Options not stored in a checkpoint (defaults official). */
export interface SmtcOptions {
  readonly instances?: number;
  readonly iterations?: number;
  readonly eps?: number;
  /** Fusion grid; default the square root of the Conv1d input channels (16 × 16 for 256). */
  readonly fusionHeight?: number;
  readonly fusionWidth?: number;
}

/** Read SMTC head weights from a state_dict (rule in the file header). */
export function readSmtcWeights(dict: StateDict, options: SmtcOptions = {}): SmtcWeights {
  const sizes: Record<string, number> = {};
  const sa = 'slot_attention';
  const mu = stateTensor(dict, `${sa}.slots_mu`, [1, 'S', 1, 'D'], sizes);
  const logSigma = stateTensor(dict, `${sa}.slots_sigma`, [1, 'S', 1, 'D'], sizes);
  const conv = stateTensor(dict, 'transport_proj.weight', ['D', 'F', 1], sizes);
  const f = sizes.F!;
  const fh =
    options.fusionHeight ??
    (options.fusionWidth !== undefined ? f / options.fusionWidth : Math.round(Math.sqrt(f)));
  const fw = options.fusionWidth ?? f / fh;
  if (!Number.isInteger(fh) || !Number.isInteger(fw) || fh * fw !== f) {
    throw new InputError(
      'transport_proj.weight',
      `its ${f} input channels are not a fusion grid ${fh}×${fw}`,
    );
  }
  const ln = (key: string): LayerNormWeights => ({
    weight: stateTensor(dict, `${key}.weight`, ['D'], sizes),
    bias: stateTensor(dict, `${key}.bias`, ['D'], sizes),
  });
  const lin = (key: string, out: string, inp: string): LinearWeights => ({
    weight: stateTensor(dict, `${key}.weight`, [out, inp], sizes),
    bias: stateTensor(dict, `${key}.bias`, [out], sizes),
  });
  const instances = options.instances ?? 4;
  const iterations = options.iterations ?? 3;
  if (!Number.isInteger(instances) || instances < 1)
    throw new InputError('instances', `must be an integer ≥ 1, got ${instances}`);
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new InputError('iterations', `must be an integer ≥ 1, got ${iterations}`);
  const s = sizes.S!;
  const d = sizes.D!;
  const mlpSlot = hasStateTensor(dict, 'mlp_slot.0.weight')
    ? { mlpSlot: { layers: [lin('mlp_slot.0', 'E', 'D'), lin('mlp_slot.2', 'D', 'E')] } }
    : {};
  return {
    config: {
      centres: s,
      instances,
      dim: d,
      fusionHeight: fh,
      fusionWidth: fw,
      iterations,
      eps: options.eps ?? 1e-8,
    },
    transport: {
      weight: { data: conv.data, dims: [d, f] },
      bias: stateTensor(dict, 'transport_proj.bias', ['D'], sizes),
    },
    mu: { data: mu.data, dims: [s, d] },
    logSigma: { data: logSigma.data, dims: [s, d] },
    normInput: ln(`${sa}.norm_input`),
    normSlots: ln(`${sa}.norm_slots`),
    normPreFf: ln(`${sa}.norm_pre_ff`),
    projectQ: lin(`${sa}.project_q`, 'D', 'D'),
    projectK: lin(`${sa}.project_k`, 'D', 'D'),
    projectV: lin(`${sa}.project_v`, 'D', 'D'),
    mlp: { layers: [lin(`${sa}.mlp.0`, 'H', 'D'), lin(`${sa}.mlp.2`, 'D', 'H')] },
    ...mlpSlot,
  };
}
