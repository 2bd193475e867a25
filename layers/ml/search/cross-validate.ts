import type { Fold } from '../data/folds.ts';
import type { LabelledMatrix } from '../data/matrix.ts';
import { takeLabelled } from '../data/matrix.ts';
import { ParamsError } from '../errors.ts';
import type { ModelSpec } from '../models/classifier.ts';

/** The outcome of one (params, fold) cell: validation accuracy and the seconds spent in fit. */
export interface CellScore {
  readonly score: number;
  readonly fitSeconds: number;
}

export interface CrossValidation {
  readonly foldScores: number[];
  readonly mean: number;
  /** Population standard deviation (ddof = 0), as scikit-learn's std_test_score. */
  readonly std: number;
  /** Total fit time over all folds. */
  readonly fitSeconds: number;
}

/** Validates raw params against the model's schema (filling its defaults); errors name the field. */
export function parseModelParams<P extends Record<string, unknown>>(
  spec: ModelSpec<P>,
  params: Readonly<Record<string, unknown>>,
): P {
  const parsed = spec.params.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.join('.') : '(params)';
  throw new ParamsError(`${spec.name}: invalid parameter ${field}: ${issue.message}`, {
    model: spec.name,
    field,
  });
}

/**
 * Fits one model on a fold's training rows and scores accuracy on its validation rows. One cell is the
 * unit of distributed work (a Lambda invocation or worker task), so it depends on nothing but its
 * arguments. Every fold uses the same model seed, as scikit-learn clones one random_state per fold.
 */
export function scoreCell<P extends Record<string, unknown>>(
  spec: ModelSpec<P>,
  params: Readonly<Record<string, unknown>>,
  data: LabelledMatrix,
  fold: Fold,
  seed: number,
): CellScore {
  const parsed = parseModelParams(spec, params);
  const train = takeLabelled(data, fold.train);
  const validation = takeLabelled(data, fold.validation);
  const model = spec.create(parsed, seed);
  try {
    const start = performance.now();
    model.fit(train);
    const fitSeconds = (performance.now() - start) / 1000;
    const pred = model.predict(validation);
    let correct = 0;
    for (let i = 0; i < validation.nRows; i++) if (pred[i] === validation.y[i]) correct++;
    return { score: validation.nRows === 0 ? 0 : correct / validation.nRows, fitSeconds };
  } finally {
    model.dispose();
  }
}

/** Mean and population std of fold scores, summed in fold order. */
export function summarizeScores(foldScores: readonly number[]): { mean: number; std: number } {
  const k = foldScores.length;
  if (k === 0) return { mean: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (const s of foldScores) sum += s;
  const mean = sum / k;
  let sq = 0;
  for (const s of foldScores) sq += (s - mean) ** 2;
  return { mean, std: Math.sqrt(sq / k) };
}

/** Cross-validated accuracy of one parameter set: scoreCell on every fold. */
export function crossValidate<P extends Record<string, unknown>>(
  spec: ModelSpec<P>,
  params: Readonly<Record<string, unknown>>,
  data: LabelledMatrix,
  folds: readonly Fold[],
  seed: number,
): CrossValidation {
  const foldScores: number[] = [];
  let fitSeconds = 0;
  for (const fold of folds) {
    const cell = scoreCell(spec, params, data, fold, seed);
    foldScores.push(cell.score);
    fitSeconds += cell.fitSeconds;
  }
  return { foldScores, ...summarizeScores(foldScores), fitSeconds };
}
