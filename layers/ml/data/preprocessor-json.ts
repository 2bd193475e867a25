/** The preprocessor's JSON form and its validation when read back. */

import { ModelFormatError } from '../errors.ts';
import { issuePath } from '../issue-path.ts';
import * as z from '../zod.ts';
import type { ClassLabel } from './labels.ts';
import { type ColumnSchema, featureCount, featureNamesOf } from './schema.ts';

export const PREPROCESSOR_FORMAT = 'synergy.preprocessor';
export const PREPROCESSOR_FORMAT_VERSION = 1;

export interface PreprocessorJSON {
  readonly format: typeof PREPROCESSOR_FORMAT;
  readonly formatVersion: typeof PREPROCESSOR_FORMAT_VERSION;
  /** Target column name. */
  readonly target: string;
  /** Class labels by class index. */
  readonly classes: readonly ClassLabel[];
  readonly inputs: readonly ColumnSchema[];
  /** Output feature names, in model order (derivable from inputs; kept so the JSON reads on its own). */
  readonly featureNames: readonly string[];
}

const finite = z.number().check(z.refine(Number.isFinite, { error: 'must be a finite number' }));
const positive = z.number().check(
  z.refine(Number.isFinite, { error: 'must be a finite number' }),
  z.refine((x) => x > 0, { error: 'must be positive' }),
);
const name = z.string().check(z.minLength(1, { error: 'must be a non-empty string' }));

const numericInput = z.strictObject({
  name,
  kind: z.literal('numeric'),
  median: finite,
  means: z.array(finite),
  scales: z.array(positive),
});

const categoricalInput = z.strictObject({
  name,
  kind: z.literal('categorical'),
  levels: z.array(z.string()),
  missingLevel: z.boolean(),
  means: z.array(finite),
  scales: z.array(positive),
});

const preprocessorSchema = z.strictObject({
  format: z.literal(PREPROCESSOR_FORMAT),
  formatVersion: z.literal(PREPROCESSOR_FORMAT_VERSION),
  target: name,
  classes: z.union([z.array(finite), z.array(z.string())]),
  inputs: z.array(z.discriminatedUnion('kind', [numericInput, categoricalInput])).check(z.minLength(1)),
  featureNames: z.array(z.string()),
});

function fail(field: string, reason: string): never {
  throw new ModelFormatError(`preprocessor JSON: ${field}: ${reason}`, { field });
}

function checkDistinct(values: readonly (string | number)[], field: string): void {
  const seen = new Set<string | number>();
  values.forEach((v, k) => {
    if (seen.has(v)) fail(`${field}[${k}]`, `${JSON.stringify(v)} appears twice`);
    seen.add(v);
  });
}

/** Parses and cross-checks a preprocessor JSON object; throws ModelFormatError naming the bad field. */
export function parsePreprocessorJSON(json: unknown): PreprocessorJSON {
  const parsed = preprocessorSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(issuePath(issue.path), issue.message);
  }
  const data = parsed.data;
  if (data.classes.length < 2) fail('classes', 'needs at least two classes');
  checkDistinct(data.classes, 'classes');
  checkDistinct(
    data.inputs.map((input) => input.name),
    'inputs[].name',
  );
  data.inputs.forEach((input, i) => {
    if (input.kind === 'categorical') checkDistinct(input.levels, `inputs[${i}].levels`);
    const width = featureCount(input);
    if (input.means.length !== width || input.scales.length !== width) {
      fail(
        `inputs[${i}]`,
        `means and scales must have ${width} entries (one per feature of ${JSON.stringify(input.name)})`,
      );
    }
  });
  const expected = data.inputs.flatMap(featureNamesOf);
  if (expected.length !== data.featureNames.length || expected.some((n, j) => n !== data.featureNames[j])) {
    fail('featureNames', `must be ${JSON.stringify(expected)} as the inputs define them`);
  }
  return data;
}
