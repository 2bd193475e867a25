import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsvText } from '../../../../layers/core/serving/protocols/csv-text.ts';
import { seededRandom } from './random.ts';

// The options the training CSV reader gives csv-parse (layers/ml/data/csv-records.ts).
const TRAINING_OPTIONS = {
  bom: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  skip_empty_lines: true,
  relax_quotes: true,
  relax_column_count: true,
};

function csvParse(text: string): string[][] | 'error' {
  try {
    return parse(text, TRAINING_OPTIONS) as string[][];
  } catch {
    return 'error';
  }
}

function ours(text: string): string[][] | 'error' {
  try {
    return parseCsvText(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return 'error';
  }
}

describe('parseCsvText', () => {
  it('reads quoted fields, escaped quotes and every line ending', () => {
    expect(parseCsvText('\ufeffa,b\r\n"x,1","say ""hi"""\n\n3,\r4,"multi\nline"\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['3', ''],
      ['4', 'multi\nline'],
    ]);
  });

  it('keeps stray quotes inside unquoted fields and text after a closing quote, as csv-parse does', () => {
    expect(parseCsvText('a,b"c\n')).toEqual([['a', 'b"c']]);
    expect(parseCsvText('"a""b"x,c\n')).toEqual([['"a"b"x', 'c']]);
  });

  it('refuses a quote never closed, naming the record', () => {
    const error = (() => {
      try {
        parseCsvText('a,b\n1,2\n"3,4\n');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).row).toBe(3);
  });

  it('agrees with csv-parse (the training reader options) on random short texts', () => {
    const random = seededRandom(7);
    const alphabet = ['a', 'b', ',', '"', '\n', '\r', ' ', '\r\n', '\ufeff', '""'];
    const disagreements: string[] = [];
    let failures = 0;
    for (let t = 0; t < 10_000; t++) {
      let text = '';
      const length = Math.floor(random() * 12);
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      const expected = csvParse(text);
      if (expected === 'error') failures++;
      if (JSON.stringify(ours(text)) !== JSON.stringify(expected)) disagreements.push(JSON.stringify(text));
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // The generator must reach both outcomes for the comparison to mean anything.
    expect(failures).toBeGreaterThan(50);
  });
});
