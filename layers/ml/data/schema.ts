/**
 * What the model's inputs are, as fitted on the training split: the fields a serving record must carry
 * and how each becomes features. Plain data, so it is also the preprocessor's JSON.
 */

export interface NumericColumnSchema {
  readonly name: string;
  readonly kind: 'numeric';
  /** Training-split median, used for missing values. */
  readonly median: number;
  /** StandardScaler statistics of the one feature this column makes. */
  readonly means: readonly number[];
  readonly scales: readonly number[];
}

export interface CategoricalColumnSchema {
  readonly name: string;
  readonly kind: 'categorical';
  /** Levels seen in the training split, sorted; one indicator feature each. */
  readonly levels: readonly string[];
  /** True when the training split had missing cells: they get one more indicator, after the levels. */
  readonly missingLevel: boolean;
  /** StandardScaler statistics, one per indicator. */
  readonly means: readonly number[];
  readonly scales: readonly number[];
}

export type ColumnSchema = NumericColumnSchema | CategoricalColumnSchema;

/** A column's encoding before the scaler statistics are known. */
export type UnscaledColumnSchema =
  | Omit<NumericColumnSchema, 'means' | 'scales'>
  | Omit<CategoricalColumnSchema, 'means' | 'scales'>;

/** Name of the missing-value indicator: `island=(missing)`. */
export const MISSING_LEVEL_LABEL = '(missing)';

export function featureCount(input: UnscaledColumnSchema): number {
  return input.kind === 'numeric' ? 1 : input.levels.length + (input.missingLevel ? 1 : 0);
}

/** Output feature names: the column name, or `column=level` per indicator (scikit-learn uses `_`). */
export function featureNamesOf(input: UnscaledColumnSchema): string[] {
  if (input.kind === 'numeric') return [input.name];
  const names = input.levels.map((level) => `${input.name}=${level}`);
  if (input.missingLevel) names.push(`${input.name}=${MISSING_LEVEL_LABEL}`);
  return names;
}
