import type { ObjectScores } from './sequenceEvaluator.js';

/** The reference's global numbers (`global_results-<set>.csv`). */
export interface GlobalResults {
  readonly 'J&F-Mean': number;
  readonly 'J-Mean': number;
  readonly 'J-Recall': number;
  readonly 'J-Decay': number;
  readonly 'F-Mean': number;
  readonly 'F-Recall': number;
  readonly 'F-Decay': number;
}

/**
 * Global aggregation of `evaluation_method.py`: all objects of all sequences pooled with equal
 * weight; each figure is the plain mean over objects (not NaN-aware, like `np.mean`), and
 * J&F-Mean = (J-Mean + F-Mean)/2.
 */
export function globalResults(objects: readonly ObjectScores[]): GlobalResults {
  const mean = (pick: (o: ObjectScores) => number) =>
    objects.length === 0 ? Number.NaN : objects.reduce((s, o) => s + pick(o), 0) / objects.length;
  const jMean = mean((o) => o.J.mean);
  const fMean = mean((o) => o.F.mean);
  return {
    'J&F-Mean': (jMean + fMean) / 2,
    'J-Mean': jMean,
    'J-Recall': mean((o) => o.J.recall),
    'J-Decay': mean((o) => o.J.decay),
    'F-Mean': fMean,
    'F-Recall': mean((o) => o.F.recall),
    'F-Decay': mean((o) => o.F.decay),
  };
}
