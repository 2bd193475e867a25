/**
 * A prediction response, whichever protocol answered, as rows of label and probability for the terminal.
 */

export interface PredictionRow {
  readonly label: string;
  /** The predicted class's probability, when the protocol returns probabilities. */
  readonly probability: number | undefined;
}

export interface ReadPredictions {
  readonly rows: readonly PredictionRow[];
  readonly model: string | undefined;
  readonly version: string | undefined;
  readonly alias: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function nativeRows(body: Record<string, unknown>): PredictionRow[] {
  const probabilities = list(body.probabilities);
  return list(body.predictions).map((label, i) => {
    const byClass = probabilities[i];
    const p = isRecord(byClass) ? byClass[String(label)] : undefined;
    return { label: String(label), probability: typeof p === 'number' ? p : undefined };
  });
}

function v2Rows(body: Record<string, unknown>): PredictionRow[] {
  const outputs = list(body.outputs).filter(isRecord);
  const labels = list(outputs.find((output) => output.name === 'predict')?.data);
  const proba = outputs.find((output) => output.name === 'predict_proba');
  const shape = list(proba?.shape);
  const nClasses = typeof shape[1] === 'number' ? shape[1] : 0;
  const flat = list(proba?.data);
  return labels.map((label, i) => {
    if (nClasses === 0) return { label: String(label), probability: undefined };
    const row = flat
      .slice(i * nClasses, (i + 1) * nClasses)
      .filter((p): p is number => typeof p === 'number');
    return { label: String(label), probability: row.length > 0 ? Math.max(...row) : undefined };
  });
}

export function readPredictions(body: unknown, headers: Headers): ReadPredictions {
  const fromHeaders = {
    model: headers.get('x-synergy-model') ?? undefined,
    version: headers.get('x-synergy-version') ?? undefined,
    alias: headers.get('x-synergy-alias') ?? undefined,
  };
  if (!isRecord(body)) return { rows: [], ...fromHeaders };
  if (Array.isArray(body.outputs)) return { rows: v2Rows(body), ...fromHeaders };
  if (Array.isArray(body.probabilities)) return { rows: nativeRows(body), ...fromHeaders };
  return {
    rows: list(body.predictions).map((label) => ({ label: String(label), probability: undefined })),
    ...fromHeaders,
  };
}
