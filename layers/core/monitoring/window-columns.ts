/**
 * Turns a window of captured rows into the columns drift is measured on, as they stream in: records are
 * converted a chunk at a time (columnsFromRecords) and appended to typed arrays, so a large window costs
 * 8 bytes per numeric value (4 per categorical) rather than its parsed JSON. Alongside, each feature's
 * absent and wrongly typed values are counted the way serving reads a record field (record-values.ts):
 * the drift columns fold both into "missing", the data-quality checks need them apart.
 */

import { GrowableFloat64Array, GrowableInt32Array } from '../../ml/data/growable.ts';
import { categoricalField, numericField } from '../../ml/data/record-values.ts';
import { columnsFromRecords } from '../../ml/drift/columns.ts';
import type { Baseline, DriftColumn, FeatureBaseline } from '../../ml/drift/types.ts';
import { SynergyError } from '../errors.ts';
import type { CapturedRow } from '../serving/deps.ts';

/** How one feature's values in the window read, before any drift statistic. */
export interface FeatureQuality {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** Absent, null or an NA string. */
  readonly absent: number;
  /** Present but not readable as the feature's kind (text in a numeric feature, an object anywhere). */
  readonly wrongType: number;
}

export interface WindowColumns {
  readonly rows: number;
  /** One per baseline feature, in the baseline's order. */
  readonly features: readonly DriftColumn[];
  readonly quality: readonly FeatureQuality[];
  /** The predicted classes as text (categorical, never missing). */
  readonly predictions: DriftColumn;
}

/** Records converted per columnsFromRecords call: large enough to amortize the call, small in memory. */
const CHUNK_ROWS = 4096;

/** A categorical column grown chunk by chunk: each chunk's level indices are mapped onto one level list. */
class CategoricalAccumulator {
  readonly levels: string[] = [];
  private readonly index = new Map<string, number>();
  readonly codes = new GrowableInt32Array();

  code(level: string): number {
    let code = this.index.get(level);
    if (code === undefined) {
      code = this.levels.length;
      this.levels.push(level);
      this.index.set(level, code);
    }
    return code;
  }

  append(levels: readonly string[], codes: Int32Array): void {
    const remap = levels.map((level) => this.code(level));
    for (const c of codes) this.codes.push(c < 0 ? -1 : remap[c]);
  }
}

type Accumulator =
  | { readonly kind: 'numeric'; readonly values: GrowableFloat64Array }
  | { readonly kind: 'categorical'; readonly categories: CategoricalAccumulator };

/** Whether a field is absent, readable or of the wrong type for its feature's kind. */
function classify(feature: FeatureBaseline, value: unknown): 'absent' | 'ok' | 'wrongType' {
  try {
    if (feature.kind === 'numeric') {
      return Number.isNaN(numericField(value, feature.name, undefined)) ? 'absent' : 'ok';
    }
    return categoricalField(value, feature.name, undefined) === undefined ? 'absent' : 'ok';
  } catch {
    return 'wrongType';
  }
}

export class WindowColumnsBuilder {
  private rows = 0;
  private chunk: CapturedRow['input'][] = [];
  private readonly accumulators: Accumulator[];
  private readonly absent: number[];
  private readonly wrongType: number[];
  private readonly predictions = new CategoricalAccumulator();

  constructor(private readonly baseline: Baseline) {
    this.accumulators = baseline.features.map((feature) =>
      feature.kind === 'numeric'
        ? { kind: 'numeric', values: new GrowableFloat64Array() }
        : { kind: 'categorical', categories: new CategoricalAccumulator() },
    );
    this.absent = baseline.features.map(() => 0);
    this.wrongType = baseline.features.map(() => 0);
  }

  add(row: CapturedRow): void {
    this.rows++;
    const features = this.baseline.features;
    for (let f = 0; f < features.length; f++) {
      const verdict = classify(features[f], row.input[features[f].name]);
      if (verdict === 'absent') this.absent[f]++;
      else if (verdict === 'wrongType') this.wrongType[f]++;
    }
    this.predictions.codes.push(this.predictions.code(String(row.prediction)));
    this.chunk.push(row.input);
    if (this.chunk.length >= CHUNK_ROWS) this.convertChunk();
  }

  private convertChunk(): void {
    if (this.chunk.length === 0) return;
    const columns = columnsFromRecords(this.chunk, this.baseline);
    this.chunk = [];
    const byName = new Map(columns.map((column) => [column.name, column]));
    this.baseline.features.forEach((feature, f) => {
      const column = byName.get(feature.name);
      const accumulator = this.accumulators[f];
      if (column === undefined || column.kind !== accumulator.kind) {
        throw new SynergyError(
          `columnsFromRecords gave no ${feature.kind} column for feature ${feature.name}`,
          { feature: feature.name, kind: feature.kind },
        );
      }
      if (column.kind === 'numeric' && accumulator.kind === 'numeric') {
        for (const x of column.values) accumulator.values.push(x);
      } else if (column.kind === 'categorical' && accumulator.kind === 'categorical') {
        accumulator.categories.append(column.levels, column.codes);
      }
    });
  }

  finish(): WindowColumns {
    this.convertChunk();
    const features = this.baseline.features.map((feature, f): DriftColumn => {
      const accumulator = this.accumulators[f];
      return accumulator.kind === 'numeric'
        ? { name: feature.name, kind: 'numeric', values: accumulator.values.view() }
        : {
            name: feature.name,
            kind: 'categorical',
            codes: accumulator.categories.codes.view(),
            levels: accumulator.categories.levels,
          };
    });
    return {
      rows: this.rows,
      features,
      quality: this.baseline.features.map((feature, f) => ({
        name: feature.name,
        kind: feature.kind,
        absent: this.absent[f],
        wrongType: this.wrongType[f],
      })),
      predictions: {
        name: 'prediction',
        kind: 'categorical',
        codes: this.predictions.codes.view(),
        levels: this.predictions.levels,
      },
    };
  }
}
