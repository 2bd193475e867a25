import type { LabelledMatrix } from '../layers/ml/data/matrix.ts';

/** z-score every feature with the training split's mean and population std (as StandardScaler). */
export function standardize(
  train: LabelledMatrix,
  test: LabelledMatrix,
): { train: LabelledMatrix; test: LabelledMatrix } {
  const scale = (m: LabelledMatrix, mean: Float64Array, std: Float64Array): LabelledMatrix => {
    const values = new Float64Array(m.values.length);
    for (let j = 0; j < m.nFeatures; j++) {
      for (let i = 0; i < m.nRows; i++) {
        const k = j * m.nRows + i;
        values[k] = (m.values[k] - mean[j]) / std[j];
      }
    }
    return { ...m, values };
  };
  const mean = new Float64Array(train.nFeatures);
  const std = new Float64Array(train.nFeatures);
  for (let j = 0; j < train.nFeatures; j++) {
    let s = 0;
    for (let i = 0; i < train.nRows; i++) s += train.values[j * train.nRows + i];
    const m = s / train.nRows;
    let v = 0;
    for (let i = 0; i < train.nRows; i++) v += (train.values[j * train.nRows + i] - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / train.nRows) || 1;
  }
  return { train: scale(train, mean, std), test: scale(test, mean, std) };
}

/** One row per line: features…, class index (no header), as test/reference/sklearn_models.py reads. */
export function toCsv(m: LabelledMatrix): string {
  const parts: string[] = [];
  for (let i = 0; i < m.nRows; i++) {
    let line = '';
    for (let j = 0; j < m.nFeatures; j++) line += `${m.values[j * m.nRows + i]},`;
    parts.push(`${line}${m.y[i]}`);
  }
  return `${parts.join('\n')}\n`;
}
