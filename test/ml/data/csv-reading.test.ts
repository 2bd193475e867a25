import { describe, expect, it } from 'vitest';
import { readTable } from '../../../layers/ml/data/read-table.ts';
import { DataError } from '../../../layers/ml/errors.ts';
import { bytesInChunks, fileStream, fixturesDir, fixtureText, stringsInChunks } from './fixtures.ts';

/** The table's cells back as text: levels for categorical-capable columns, numbers otherwise. */
async function cells(source: Parameters<typeof readTable>[0], columns?: Record<string, 'categorical'>) {
  const table = await readTable(source, { columns });
  return {
    header: table.header,
    nRows: table.nRows,
    target: Array.from(table.target.codes(), (c) => table.target.texts[c]),
    features: Object.fromEntries(
      table.features.map((f) => [
        f.name,
        f.declared === 'categorical'
          ? Array.from(f.codes(), (c) => f.levels[c] ?? null)
          : Array.from(f.numbers()),
      ]),
    ),
  };
}

describe('CSV reading', () => {
  it('keeps commas, doubled quotes and newlines inside quoted fields', async () => {
    const got = await cells(fileStream(`${fixturesDir}csv/quoted.csv`), { comment: 'categorical' });
    expect(got.header).toEqual(['id', 'comment', 'amount', 'label']);
    expect(got.nRows).toBe(4);
    expect(got.features.comment).toEqual([
      'red, green and blue',
      'first line\nsecond line',
      'she said "hi"',
      'plain',
    ]);
    expect(got.features.amount).toEqual([10.5, 11, 12.25, 13]);
    expect(got.target).toEqual(['a', 'b', 'a', 'b']);
  });

  it('reads CRLF line endings and a UTF-8 BOM the same as plain LF', async () => {
    const lf = fixtureText('csv/quoted.csv');
    const crlfBom = `\uFEFF${lf.replace(/\n(?=\d|$)/g, '\r\n')}`;
    expect(crlfBom).toContain('\r\n');
    const expected = await cells(lf, { comment: 'categorical' });
    expect(await cells(crlfBom, { comment: 'categorical' })).toEqual(expected);
    // The BOM must not end up in the first header name.
    expect((await cells(crlfBom)).header[0]).toBe('id');
  });

  it('gives the same table whatever the chunking, even mid-character and mid-CRLF', async () => {
    const text =
      '\uFEFFcity,temp,label\r\n"Zürich, CH",21.5,warm\r\n"São\r\nPaulo",30,hot\r\nÅre 🏔,-3,cold\r\n';
    const whole = await cells(text, { city: 'categorical' });
    expect(whole.features.city).toEqual(['Zürich, CH', 'São\r\nPaulo', 'Åre 🏔']);
    for (const size of [1, 2, 3, 7]) {
      expect(await cells(bytesInChunks(text, size), { city: 'categorical' })).toEqual(whole);
      expect(await cells(stringsInChunks(text, size), { city: 'categorical' })).toEqual(whole);
    }
  });

  it('skips blank lines and counts physical lines past multi-line fields and CRLFs', async () => {
    // Row 4 starts on line 7: row 2 spans lines 2-4 (a quoted CRLF and a quoted LF), line 6 is blank.
    const text = 'a,b,label\r\n"x\r\ny\nz",1,p\r\nw,2,q\r\n\r\nv,3\r\n';
    const err = await readTable(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toBe('row 4 (line 7): 2 fields, but the header has 3');
  });

  it('reads old-Mac CR and mixed line endings', async () => {
    const lf = await cells('x,label\n1,a\n2,b\n3,a\n');
    expect(await cells('x,label\r1,a\r2,b\r3,a\r')).toEqual(lf);
    expect(await cells('x,label\r\n1,a\n2,b\r3,a')).toEqual(lf);
  });

  it('hints at the separator when a semicolon file reads as one column', async () => {
    const err = await readTable('a;b;label\n1;2;x\n').catch((e: unknown) => e);
    expect((err as DataError).code).toBe('NO_FEATURES');
    expect((err as DataError).message).toBe(
      'no feature columns: the file has only the target column "a;b;label" (columns must be separated by commas, not ";")',
    );
  });

  it('keeps messages on one line when names and values hold line breaks', async () => {
    const err = await readTable('"a\nb","a\nb",label\n1,2,x\n').catch((e: unknown) => e);
    expect((err as DataError).message).toBe('row 1, column 2: the header name "a\\nb" repeats column 1');
  });

  it('treats empty cells and pandas NA strings as missing', async () => {
    const text = 'x,label\n1,a\n,b\nNA,a\nN/A,b\nnull,a\n#N/A,b\nNaN,a\n  ,b\n5,a\n';
    const table = await readTable(text);
    expect(table.features[0].missing).toBe(7);
    expect(Array.from(table.features[0].numbers(), (v) => (Number.isNaN(v) ? null : v))).toEqual([
      1,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      5,
    ]);
  });
});
