/**
 * The batch transform's object layout: a CSV uploaded at `batch/<model>/in/<name>.csv` is scored into
 * `batch/<model>/out/<name>.csv`, with `<name>.errors.csv` and `<name>.summary.json` beside it. The S3
 * notification covers all of `batch/`, so our own outputs arrive here too and must be recognised as such.
 */
import type { ObjectRef } from '../ports.ts';

export interface BatchInputKey {
  readonly model: string;
  /** The file name without `.csv`; may contain `/` (sub-folders under `in/` are mirrored under `out/`). */
  readonly name: string;
}

export interface BatchRefs {
  readonly input: ObjectRef;
  readonly output: ObjectRef;
  readonly errors: ObjectRef;
  readonly summary: ObjectRef;
}

const INPUT_KEY = /^batch\/([^/]+)\/in\/(.+)\.csv$/;

/** The model and name of an input key; undefined for any other key (outputs, other prefixes, non-CSV). */
export function parseBatchInputKey(key: string): BatchInputKey | undefined {
  const match = INPUT_KEY.exec(key);
  if (match === null) return undefined;
  const [, model, name] = match;
  // `in/.csv` or `in/sub/.csv` names nothing.
  if (name.endsWith('/')) return undefined;
  return { model, name };
}

export function batchRefs(bucket: string, { model, name }: BatchInputKey): BatchRefs {
  const out = `batch/${model}/out/${name}`;
  return {
    input: { bucket, key: `batch/${model}/in/${name}.csv` },
    output: { bucket, key: `${out}.csv` },
    errors: { bucket, key: `${out}.errors.csv` },
    summary: { bucket, key: `${out}.summary.json` },
  };
}
