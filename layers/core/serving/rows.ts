/**
 * What a protocol's request body becomes before validation (RawRows, in the shape the client sent), and
 * the scored answer every protocol formats its own way (Scored).
 */
import type { ClassLabel } from '../../ml/data/labels.ts';
import type { AliasName } from '../pipeline/records.ts';

/** A value as a client may send it; validation decides what it means for the column. */
export type RawValue = unknown;

export type RawRows =
  /** Objects keyed by column: native `rows`, MLflow `dataframe_records`, `instances` of objects. */
  | { readonly kind: 'records'; readonly records: readonly unknown[]; readonly field: string }
  /** A header and rows of values: MLflow `dataframe_split`, text/csv. */
  | {
      readonly kind: 'table';
      readonly columns: readonly unknown[];
      readonly data: readonly unknown[];
      readonly field: string;
    }
  /** Rows of values in the signature's column order: native/MLflow `instances` of arrays, a V2 [N, F] tensor. */
  | { readonly kind: 'positional'; readonly data: readonly unknown[]; readonly field: string }
  /** One array per column: MLflow `inputs` as a dict, V2 one tensor per column. */
  | { readonly kind: 'columns'; readonly columns: Readonly<Record<string, unknown>>; readonly field: string };
// `field` is where the rows were found in the body (`rows`, `dataframe_split`, `inputs`), used as the
// prefix of validation messages: `dataframe_split.data[3][1] (duration): expected a number, got "abc"`.

/** Which model answered and what it said, for n rows and C classes. */
export interface Scored {
  readonly modelName: string;
  readonly version: number;
  /** The alias the request resolved through; undefined when it named a version. */
  readonly alias: AliasName | undefined;
  readonly classes: readonly ClassLabel[];
  /** n labels. */
  readonly labels: readonly ClassLabel[];
  /** n × C, row-major, in `classes` order. */
  readonly probabilities: Float64Array;
  readonly requestId: string;
}
