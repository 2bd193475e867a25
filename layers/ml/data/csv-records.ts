/**
 * Streams CSV records out of text or bytes with csv-parse, one record at a time, never holding the
 * file: each record goes to the sink as soon as it is parsed, with its spreadsheet row and physical line.
 */
import { type Info, type Options, Parser } from 'csv-parse';
import { DataError } from '../errors.ts';
import { describeRow } from './messages.ts';

export type CsvSource = AsyncIterable<string | Uint8Array> | string;

export interface CsvSink {
  header(fields: string[]): void;
  /** `row` as a spreadsheet shows it (header = 1); `line` is the physical line the record starts on. */
  record(fields: string[], row: number, line: number): void;
}

/** A string source is cut into pieces so it is encoded a slice at a time, never as one copy of the file. */
const STRING_SLICE = 1 << 20;

// pandas-like reading: LF, CRLF and CR line endings (even mixed), blank lines skipped, stray quotes inside
// unquoted fields kept as text, and record length checked by us (so the error names the row and the
// header's width).
// A fresh object per parser, so nothing csv-parse normalizes in place leaks between reads.
function parseOptions(): Options {
  return {
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    skip_empty_lines: true,
    relax_quotes: true,
    relax_column_count: true,
  };
}

/**
 * csv-parse's own push-style core, which its stream, web-stream and sync front ends all wrap. We call it
 * directly because it hands records over synchronously and in file order: with the stream front end a
 * parse error raised later in the same chunk would overtake records still queued, so a quote error could
 * be reported before an earlier ragged row. Checked at run time in case a csv-parse release renames it.
 */
interface CsvParseCore {
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

function parseCore(parser: Parser): CsvParseCore {
  const api: unknown = Reflect.get(parser, 'api');
  if (typeof api !== 'object' || api === null || typeof Reflect.get(api, 'parse') !== 'function') {
    throw new Error('csv-parse no longer exposes Parser.api.parse (written against csv-parse 6.2)');
  }
  return api as CsvParseCore;
}

function endsInHighSurrogate(text: string, end: number): boolean {
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff;
}

/** Text and byte chunks as Buffers. Bytes split mid-character are fine: csv-parse decodes whole fields. */
async function* bufferChunks(source: CsvSource): AsyncGenerator<Buffer> {
  if (typeof source === 'string') {
    for (let start = 0; start < source.length; ) {
      let end = Math.min(start + STRING_SLICE, source.length);
      // Never cut a surrogate pair: half of one would be encoded as U+FFFD.
      if (end < source.length && endsInHighSurrogate(source, end)) end--;
      yield Buffer.from(source.slice(start, end), 'utf8');
      start = end;
    }
    return;
  }
  let pending = '';
  for await (const chunk of source) {
    if (typeof chunk !== 'string') {
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      continue;
    }
    // A string chunk ending in half a surrogate pair waits for the other half.
    const text = pending + chunk;
    const cut = text.length > 0 && endsInHighSurrogate(text, text.length) ? text.length - 1 : text.length;
    pending = text.slice(cut);
    yield Buffer.from(text.slice(0, cut), 'utf8');
  }
  if (pending !== '') yield Buffer.from(pending, 'utf8');
}

/**
 * Keeps physical line numbers right. csv-parse's `info.lines` is the line a record ends on, and it counts
 * every CR or LF inside a quoted field as a line (so a quoted CRLF counts twice).
 */
class LineTracker {
  private lastParserLines = 0;
  private lastEmptyLines = 0;
  private crlfInsideFields = 0;
  /** Physical line the last record ended on. */
  lastEnd = 0;

  constructor(private readonly info: Info) {}

  /** The physical line the record just pushed starts on. */
  recordStart(fields: string[]): number {
    const { lines, empty_lines: emptyLines } = this.info;
    let newlineChars = 0;
    let crlf = 0;
    // Only a record that spans more lines than expected can hold line breaks; skip the scan otherwise.
    if (lines - this.lastParserLines !== 1 + (emptyLines - this.lastEmptyLines)) {
      for (const field of fields) {
        for (let k = 0; k < field.length; k++) {
          const ch = field.charCodeAt(k);
          if (ch === 10 || ch === 13) newlineChars++;
          if (ch === 13 && field.charCodeAt(k + 1) === 10) crlf++;
        }
      }
    }
    this.crlfInsideFields += crlf;
    this.lastParserLines = lines;
    this.lastEmptyLines = emptyLines;
    this.lastEnd = lines - this.crlfInsideFields;
    return this.lastEnd - (newlineChars - crlf);
  }

  /** Where the next record starts: after the last one and any blank lines skipped since. */
  nextStart(): number {
    return this.lastEnd + 1 + (this.info.empty_lines - this.lastEmptyLines);
  }
}

/**
 * Reads the whole source into the sink. Returns the number of data records (header excluded).
 * Throws DataError EMPTY_FILE (no record at all) or MALFORMED_CSV (e.g. a quote never closed); errors
 * thrown by the sink propagate unchanged and stop reading.
 */
export async function readCsv(source: CsvSource, sink: CsvSink): Promise<number> {
  const parser = new Parser(parseOptions());
  const core = parseCore(parser);
  const lines = new LineTracker(parser.info);
  let records = 0;
  const push = (fields: string[]): void => {
    const line = lines.recordStart(fields);
    records++;
    if (records === 1) sink.header(fields);
    else sink.record(fields, records, line);
  };
  const close = (): void => {};
  const fail = (err: Error): DataError => {
    const row = records + 1;
    const where = describeRow(row, lines.nextStart());
    const code = Reflect.get(err, 'code');
    const what =
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field is never closed (the file ends inside quotes)'
        : err.message;
    return new DataError('MALFORMED_CSV', `${where}: ${what}`, { row }, { cause: err });
  };
  for await (const chunk of bufferChunks(source)) {
    const err = core.parse(chunk, false, push, close);
    if (err) throw fail(err);
  }
  const err = core.parse(undefined, true, push, close);
  if (err) throw fail(err);
  if (records === 0) throw new DataError('EMPTY_FILE', 'the file is empty (no header row)');
  return records - 1;
}
