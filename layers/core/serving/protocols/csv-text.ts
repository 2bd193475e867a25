/**
 * A small RFC 4180 reader for `text/csv` request bodies (at most 6 MB, so read whole). It reads as the
 * training CSV reader's csv-parse options do (layers/ml/data/csv-records.ts): a leading BOM dropped, LF,
 * CRLF and CR line ends, empty lines skipped, `""` inside quotes, stray quotes inside an unquoted field
 * (or after a closing quote) kept as text. Written here rather than bundling csv-parse's sync API (≈28 KB minified) into the
 * predict function, whose bundle and cold start are budgeted; a test checks it against csv-parse.
 */

export class CsvSyntaxError extends Error {
  /** Spreadsheet row (record number, header = 1) where reading failed. */
  readonly row: number;
  constructor(message: string, row: number) {
    super(message);
    this.name = 'CsvSyntaxError';
    this.row = row;
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

function endOfUnquoted(text: string, i: number): number {
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === COMMA || ch === LF || ch === CR) break;
    i++;
  }
  return i;
}

/** All records, each an array of cells. Throws CsvSyntaxError on a quote never closed. */
export function parseCsvText(text: string): string[][] {
  const records: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // An empty line: skipped, as csv-parse's skip_empty_lines does.
    if (c === LF || c === CR) {
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      continue;
    }
    const record: string[] = [];
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === QUOTE) {
        let start = i + 1;
        let value = '';
        for (;;) {
          const close = text.indexOf('"', start);
          if (close < 0) {
            throw new CsvSyntaxError(
              'a quoted field is never closed (the body ends inside quotes)',
              records.length + 1,
            );
          }
          value += text.slice(start, close);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            start = close + 2;
            continue;
          }
          i = close + 1;
          break;
        }
        cell = value;
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && next !== CR) {
          // Text after a closing quote: csv-parse's relax_quotes then takes the whole field as text,
          // the quoted part re-quoted, up to the next comma or line end.
          const start = i;
          i = endOfUnquoted(text, i);
          cell = `"${value}"${text.slice(start, i)}`;
        }
      } else {
        const start = i;
        i = endOfUnquoted(text, i);
        cell = text.slice(start, i);
      }
      record.push(cell);
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }
    records.push(record);
    if (i < n) i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
  }
  return records;
}
