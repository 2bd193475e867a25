/** A scored request as the rows capture keeps (CapturedRow, one per scored row). */
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import type { CapturedRow } from './deps.ts';
import type { Scored } from './rows.ts';

export function capturedRows(
  scored: Scored,
  records: readonly InputRecord[],
  at: string,
): readonly CapturedRow[] {
  const nClasses = scored.classes.length;
  const names = scored.classes.map(String);
  return records.map((input, i) => {
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < nClasses; c++) probabilities[names[c]] = scored.probabilities[i * nClasses + c];
    return {
      requestId: scored.requestId,
      row: i,
      at,
      model: scored.modelName,
      version: scored.version,
      alias: scored.alias,
      input,
      prediction: scored.labels[i],
      probabilities,
    };
  });
}
