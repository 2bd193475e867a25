import type { LabelledMatrix } from '../../layers/ml/data/matrix.ts';
import type { Classifier } from '../../layers/ml/models/classifier.ts';

/** Test accuracy of a fitted classifier (kept here so model tests do not depend on the metrics module). */
export function accuracyOn(model: Classifier, data: LabelledMatrix): number {
  const pred = model.predict(data);
  let ok = 0;
  for (let i = 0; i < data.nRows; i++) if (pred[i] === data.y[i]) ok++;
  return ok / data.nRows;
}
