/**
 * A run's holdout (the raw test-split records, holdout.jsonl) and how any registered version scores on
 * it. Raw records rather than the prepared matrix, because a champion from another run has its own
 * preprocessor: its levels, medians and scaling differ from this run's.
 */
import { parseNumberCell } from '../../ml/data/cell-values.ts';
import type { ClassLabel } from '../../ml/data/labels.ts';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import { SynergyError } from '../errors.ts';
import type { ArtifactStore, ObjectRef } from '../ports.ts';
import { refOfUri } from './keys.ts';
import type { LoadedModel } from './model-document.ts';
import { loadModelDocument } from './model-document.ts';
import type { ModelVersionRecord } from './records.ts';

/** holdout.jsonl is not one JSON object per line. */
export class HoldoutFormatError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'HoldoutFormatError';
  }
}

export interface Holdout {
  /** The column whose value is the truth (this run's target). */
  readonly target: string;
  readonly records: readonly InputRecord[];
}

function isRecord(value: unknown): value is InputRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseHoldout(bytes: Uint8Array, target: string): Holdout {
  const text = new TextDecoder().decode(bytes);
  const records: InputRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new HoldoutFormatError(`holdout line ${i + 1}: not JSON`, { line: i + 1 }, { cause: error });
    }
    if (!isRecord(value))
      throw new HoldoutFormatError(`holdout line ${i + 1}: not a JSON object`, { line: i + 1 });
    records.push(value);
  });
  if (records.length === 0) throw new HoldoutFormatError('holdout: no records', {});
  return { target, records };
}

export async function readHoldout(
  artifacts: Pick<ArtifactStore, 'readBytes'>,
  ref: ObjectRef,
  target: string,
  signal?: AbortSignal,
): Promise<Holdout> {
  return parseHoldout(await artifacts.readBytes(ref, signal), target);
}

/**
 * Whether a record's target value is the predicted class. Numeric classes match numbers and numeric text
 * ("1" and "1.0" are the class 1, as when training read the CSV); text classes match the text.
 */
export function isLabel(predicted: ClassLabel, truth: unknown): boolean {
  if (truth === undefined || truth === null) return false;
  if (typeof predicted === 'number') {
    if (typeof truth === 'number') return truth === predicted;
    return typeof truth === 'string' && parseNumberCell(truth) === predicted;
  }
  return (typeof truth === 'string' || typeof truth === 'number') && String(truth) === predicted;
}

export interface HoldoutScore {
  readonly accuracy: number;
  readonly correct: number;
  readonly records: number;
  /** Records the model's preprocessor could not read (e.g. text where it expects a number): counted wrong. */
  readonly unreadable: number;
}

/**
 * Accuracy of a loaded model on the holdout, through its own preprocessor. A record it cannot read and a
 * label it never saw both count as wrong: the champion is judged on the data as it is now.
 */
export function scoreOnHoldout(loaded: LoadedModel, holdout: Holdout): HoldoutScore {
  const { preprocessor, classifier } = loaded;
  const scratch = new Float64Array(preprocessor.nFeatures);
  const readable: InputRecord[] = [];
  for (const record of holdout.records) {
    try {
      preprocessor.transformRecord(record, scratch);
      readable.push(record);
    } catch {
      // Counted wrong below; one unreadable record must not stop the comparison.
    }
  }
  let correct = 0;
  if (readable.length > 0) {
    const predicted = classifier.predict(preprocessor.transformRecords(readable));
    readable.forEach((record, i) => {
      if (isLabel(preprocessor.decode(predicted[i]), record[holdout.target])) correct++;
    });
  }
  const records = holdout.records.length;
  return { accuracy: correct / records, correct, records, unreadable: records - readable.length };
}

/** Scores a registered version: reads its artifact, refuses it unless the sha256 matches the record. */
export async function scoreVersionOnHoldout(
  artifacts: Pick<ArtifactStore, 'readBytes'>,
  version: ModelVersionRecord,
  holdout: Holdout,
  signal?: AbortSignal,
): Promise<HoldoutScore> {
  const bytes = await artifacts.readBytes(refOfUri(version.artifact.uri), signal);
  const loaded = loadModelDocument(bytes, version.artifact.sha256);
  try {
    return scoreOnHoldout(loaded, holdout);
  } finally {
    loaded.classifier.dispose();
  }
}
