/**
 * The fitted data preparation that travels with a model: turns serving records (field name → value)
 * into exactly the features the model was trained on — imputed, one-hot encoded and scaled with the
 * training split's statistics — and class indices back into labels.
 */
import { ParamsError } from '../errors.ts';
import type { ClassLabel } from './labels.ts';
import type { FeatureMatrix } from './matrix.ts';
import {
  PREPROCESSOR_FORMAT,
  PREPROCESSOR_FORMAT_VERSION,
  type PreprocessorJSON,
  parsePreprocessorJSON,
} from './preprocessor-json.ts';
import { categoricalField, numericField } from './record-values.ts';
import { type ColumnSchema, featureNamesOf } from './schema.ts';

export interface PreprocessorSpec {
  readonly target: string;
  readonly classes: readonly ClassLabel[];
  readonly inputs: readonly ColumnSchema[];
}

export type InputRecord = Readonly<Record<string, unknown>>;

/** Per input, what encoding one record needs, resolved once. */
type InputPlan =
  | {
      readonly kind: 'numeric';
      readonly name: string;
      readonly offset: number;
      readonly median: number;
      readonly mean: number;
      readonly scale: number;
    }
  | {
      readonly kind: 'categorical';
      readonly name: string;
      readonly offset: number;
      readonly indicatorOf: ReadonlyMap<string, number>;
      /** Indicator for a missing value, or -1 (then missing means all indicators off). */
      readonly missingIndicator: number;
      readonly means: Float64Array;
      readonly scales: Float64Array;
    };

function planInputs(inputs: readonly ColumnSchema[]): InputPlan[] {
  let offset = 0;
  return inputs.map((input): InputPlan => {
    const at = offset;
    if (input.kind === 'numeric') {
      offset += 1;
      return {
        kind: 'numeric',
        name: input.name,
        offset: at,
        median: input.median,
        mean: input.means[0],
        scale: input.scales[0],
      };
    }
    offset += input.means.length;
    return {
      kind: 'categorical',
      name: input.name,
      offset: at,
      indicatorOf: new Map(input.levels.map((level, k) => [level, k])),
      missingIndicator: input.missingLevel ? input.levels.length : -1,
      means: Float64Array.from(input.means),
      scales: Float64Array.from(input.scales),
    };
  });
}

/** A record's own field (never one inherited from Object.prototype, such as "constructor"). */
function fieldOf(record: InputRecord, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

export class Preprocessor {
  readonly target: string;
  readonly classes: readonly ClassLabel[];
  readonly inputs: readonly ColumnSchema[];
  readonly featureNames: readonly string[];
  readonly nFeatures: number;
  private readonly plans: readonly InputPlan[];

  constructor(spec: PreprocessorSpec) {
    this.target = spec.target;
    this.classes = [...spec.classes];
    this.inputs = spec.inputs.map((input) =>
      input.kind === 'numeric'
        ? { ...input, means: [...input.means], scales: [...input.scales] }
        : { ...input, levels: [...input.levels], means: [...input.means], scales: [...input.scales] },
    );
    this.featureNames = this.inputs.flatMap(featureNamesOf);
    this.nFeatures = this.featureNames.length;
    this.plans = planInputs(this.inputs);
  }

  /** Reads back `toJSON()` output; throws ModelFormatError on anything malformed or inconsistent. */
  static fromJSON(json: unknown): Preprocessor {
    return new Preprocessor(parsePreprocessorJSON(json));
  }

  toJSON(): PreprocessorJSON {
    return {
      format: PREPROCESSOR_FORMAT,
      formatVersion: PREPROCESSOR_FORMAT_VERSION,
      target: this.target,
      classes: [...this.classes],
      inputs: this.inputs,
      featureNames: [...this.featureNames],
    };
  }

  /**
   * Records → features (column-major). Fields not among the inputs (e.g. the target) are ignored;
   * absent/null/NA fields are imputed; a value of the wrong kind throws DataError INVALID_VALUE naming
   * the record index and field.
   */
  transformRecords(records: ReadonlyArray<InputRecord>): FeatureMatrix {
    const n = records.length;
    const values = new Float64Array(n * this.nFeatures);
    for (let i = 0; i < n; i++) this.encode(records[i], values, i, n, i);
    return { nRows: n, nFeatures: this.nFeatures, values };
  }

  /** One record → `out[0..nFeatures)`, without allocating (the serving hot path). */
  transformRecord(record: InputRecord, out: Float64Array): void {
    if (out.length < this.nFeatures) {
      throw new ParamsError(`transformRecord: out has ${out.length} slots, need ${this.nFeatures}`);
    }
    this.encode(record, out, 0, 1, undefined);
  }

  /** Class index (as a model predicts it) → the label as it appeared in the training data. */
  decode(classIndex: number): ClassLabel {
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= this.classes.length) {
      throw new ParamsError(`decode: class index ${classIndex} is not in 0..${this.classes.length - 1}`);
    }
    return this.classes[classIndex];
  }

  /** Writes feature j of the record at `out[base + j * stride]`. */
  private encode(
    record: InputRecord,
    out: Float64Array,
    base: number,
    stride: number,
    recordIndex: number | undefined,
  ): void {
    for (const plan of this.plans) {
      const value = fieldOf(record, plan.name);
      if (plan.kind === 'numeric') {
        const x = numericField(value, plan.name, recordIndex);
        out[base + plan.offset * stride] = ((Number.isNaN(x) ? plan.median : x) - plan.mean) / plan.scale;
        continue;
      }
      const level = categoricalField(value, plan.name, recordIndex);
      const on = level === undefined ? plan.missingIndicator : (plan.indicatorOf.get(level) ?? -1);
      const { means, scales } = plan;
      for (let k = 0; k < means.length; k++) {
        out[base + (plan.offset + k) * stride] = ((k === on ? 1 : 0) - means[k]) / scales[k];
      }
    }
  }
}
