/**
 * A CSV's records as the bytes arrive (csv-parse's stream API, read with backpressure), parsed as training
 * reads CSVs (layers/ml/data/csv-records.ts): any line ending, blank lines skipped, stray quotes inside
 * unquoted fields kept; row widths are left to the caller, which checks them row by row.
 */
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';

export function csvRecordStream(source: AsyncIterable<Uint8Array>): AsyncIterable<string[]> {
  const parser = parse({
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    skip_empty_lines: true,
    relax_quotes: true,
    relax_column_count: true,
  });
  // A source error destroys the parser, and reading the parser then throws it.
  pipeline(Readable.from(source, { objectMode: false }), parser, () => {});
  return parser;
}
