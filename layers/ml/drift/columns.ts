/**
 * Captured serving inputs (one object per row) → one DriftColumn per baseline feature, read as the CSV
 * reader reads cells: NA strings, null and absent fields are missing. Never throws on a value: capture holds
 * inputs the preprocessor already accepted, and a numeric field that is not a number counts as missing.
 */
import { isMissingCell, parseNumberCell } from '../data/cell-values.ts';
import type { Baseline, DriftColumn } from './types.ts';

interface NumericSink {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

interface CategoricalSink {
  readonly kind: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly codeOf: Map<string, number>;
  readonly levels: string[];
}

export function columnsFromRecords(
  records: readonly Readonly<Record<string, unknown>>[],
  baseline: Baseline,
): DriftColumn[] {
  const n = records.length;
  const sinks = baseline.features.map((feature): NumericSink | CategoricalSink =>
    feature.kind === 'numeric'
      ? { kind: 'numeric', name: feature.name, values: new Float64Array(n) }
      : { kind: 'categorical', name: feature.name, codes: new Int32Array(n), codeOf: new Map(), levels: [] },
  );
  // Row by row: each record object is read once while it is in cache.
  for (let r = 0; r < n; r++) {
    const record = records[r];
    for (const sink of sinks) {
      const value = record[sink.name];
      if (sink.kind === 'numeric') sink.values[r] = numberOf(value);
      else sink.codes[r] = codeOf(value, sink);
    }
  }
  return sinks.map(
    (sink): DriftColumn =>
      sink.kind === 'numeric'
        ? { name: sink.name, kind: 'numeric', values: sink.values }
        : { name: sink.name, kind: 'categorical', codes: sink.codes, levels: sink.levels },
  );
}

function numberOf(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === 'string') return isMissingCell(value) ? Number.NaN : parseNumberCell(value);
  return Number.NaN;
}

function codeOf(value: unknown, sink: CategoricalSink): number {
  let text: string;
  if (typeof value === 'string') {
    if (isMissingCell(value)) return -1;
    text = value;
  } else if (typeof value === 'number') {
    if (Number.isNaN(value)) return -1;
    text = String(value);
  } else if (typeof value === 'boolean') text = String(value);
  else return -1;
  let code = sink.codeOf.get(text);
  if (code === undefined) {
    code = sink.levels.length;
    sink.codeOf.set(text, code);
    sink.levels.push(text);
  }
  return code;
}
