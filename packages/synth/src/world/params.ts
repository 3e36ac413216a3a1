import { InputError } from '@slotmatch/core';

/** Named colour schemes for the objects (the background is always low-saturation). */
export const PALETTES = ['vivid', 'pastel', 'muted', 'grey'] as const;
/** One of {@link PALETTES}. */
export type Palette = (typeof PALETTES)[number];

/** Everything that shapes a video besides its seed. */
export interface SynthParams {
  /** Frame width in pixels (8..4096). */
  readonly width: number;
  /** Frame height in pixels (8..4096). */
  readonly height: number;
  /** Frames per video (1..100000). */
  readonly frames: number;
  /** Fewest objects per video (1..maxObjects). */
  readonly minObjects: number;
  /** Most objects per video (minObjects..64). */
  readonly maxObjects: number;
  /**
   * 0..1: raises texture contrast inside objects, background clutter, speed, rotation and
   * object size / crowding (hence occlusion) together.
   */
  readonly difficulty: number;
  /** Object colour scheme. */
  readonly palette: Palette;
  /** RGB supersampling factor per axis (1..4): s×s samples averaged per pixel; masks never blend. */
  readonly supersample: number;
}

/** Defaults sized for CPU training: 64×64, 24 frames, 2–6 objects, medium difficulty, 2×2 supersampling. */
export const DEFAULT_PARAMS: SynthParams = Object.freeze({
  width: 64,
  height: 64,
  frames: 24,
  minObjects: 2,
  maxObjects: 6,
  difficulty: 0.5,
  palette: 'vivid',
  supersample: 2,
});

const INTEGER_LIMITS: Record<string, [number, number]> = {
  width: [8, 4096],
  height: [8, 4096],
  frames: [1, 100000],
  minObjects: [1, 64],
  maxObjects: [1, 64],
  supersample: [1, 4],
};

/**
 * Fill unset fields from {@link DEFAULT_PARAMS} and check every rule: integers within the limits
 * documented on {@link SynthParams}, minObjects ≤ maxObjects, difficulty a number in [0, 1], a known
 * palette. Throws `InputError("params.<field>", rule)`; unknown fields are errors too (typos).
 */
export function resolveParams(partial: Partial<SynthParams> = {}): SynthParams {
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULT_PARAMS)) {
      throw new InputError(
        `params.${key}`,
        `unknown parameter (known: ${Object.keys(DEFAULT_PARAMS).join(', ')})`,
      );
    }
  }
  const p: SynthParams = { ...DEFAULT_PARAMS, ...stripUndefined(partial) };
  for (const [key, [lo, hi]] of Object.entries(INTEGER_LIMITS)) {
    const v = p[key as keyof SynthParams];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new InputError(`params.${key}`, `must be an integer in ${lo}..${hi}, got ${String(v)}`);
    }
  }
  if (p.minObjects > p.maxObjects) {
    throw new InputError(
      'params.minObjects',
      `must not exceed maxObjects (${p.minObjects} > ${p.maxObjects})`,
    );
  }
  if (typeof p.difficulty !== 'number' || !(p.difficulty >= 0 && p.difficulty <= 1)) {
    throw new InputError('params.difficulty', `must be a number in [0, 1], got ${String(p.difficulty)}`);
  }
  if (!PALETTES.includes(p.palette)) {
    throw new InputError('params.palette', `must be one of ${PALETTES.join(', ')}, got ${String(p.palette)}`);
  }
  return Object.freeze(p);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
