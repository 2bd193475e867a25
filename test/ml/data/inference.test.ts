import { describe, expect, it } from 'vitest';
import { MAX_CATEGORICAL_LEVELS } from '../../../layers/ml/data/feature-column.ts';
import { type PrepareOptions, prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { DataError, ParamsError } from '../../../layers/ml/errors.ts';

/** A CSV with `n` rows from per-row cell makers; labels alternate a/b so every class is big enough. */
function csv(header: string[], n: number, cell: (column: string, i: number) => string): string {
  const lines = [header.join(',')];
  for (let i = 0; i < n; i++) lines.push(header.map((c) => cell(c, i)).join(','));
  return `${lines.join('\n')}\n`;
}

const prepare = (text: string, options?: PrepareOptions) => prepareCsv(text, { folds: 2, ...options });

async function dataError(promise: Promise<unknown>): Promise<DataError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DataError)) throw new Error(`expected a DataError, got ${String(err)}`);
  return err;
}

describe('column kinds', () => {
  it('makes a mostly-text column categorical (its numeric-looking values are levels) and a numeric one numeric', async () => {
    const text = csv(['size', 'weight', 'label'], 20, (c, i) =>
      c === 'size' ? ['S', 'M', 'L', '3'][i % 4] : c === 'weight' ? String(i * 1.5) : 'ab'[i % 2],
    );
    const data = await prepare(text);
    expect(data.inputs.map((x) => [x.name, x.kind])).toEqual([
      ['size', 'categorical'],
      ['weight', 'numeric'],
    ]);
    expect(data.featureNames).toEqual(['size=3', 'size=L', 'size=M', 'size=S', 'weight']);
  });

  it('reports junk in a mostly-numeric column, even at exactly one bad cell in a hundred', async () => {
    const text = csv(['dose', 'label'], 100, (c, i) =>
      c === 'dose' ? (i === 41 ? 'n.a.' : String(i)) : 'ab'[i % 2],
    );
    const err = await dataError(prepare(text));
    expect(err.code).toBe('NON_NUMERIC_VALUE');
    expect(err.message).toBe(
      'row 43, column "dose": "n.a." is not a number (column is numeric: 99% of its values are numbers)',
    );
  });

  it('calls a column with as many words as numbers categorical (numeric needs a strict majority)', async () => {
    const text = csv(['code', 'label'], 10, (c, i) =>
      c === 'code' ? (i % 2 ? 'x' : String(i)) : 'ab'[i % 2],
    );
    const data = await prepare(text);
    expect(data.inputs[0].kind).toBe('categorical');
  });

  it('follows the columns option: categorical numbers keep their text, numeric refuses any word, ignore drops', async () => {
    const text = csv(['zip', 'n', 'id', 'label'], 12, (c, i) =>
      c === 'zip'
        ? ['01234', '1234', '01234'][i % 3]
        : c === 'n'
          ? String(i)
          : c === 'id'
            ? `row${i}`
            : 'ab'[i % 2],
    );
    const data = await prepare(text, { columns: { zip: 'categorical', id: 'ignore' } });
    expect(data.featureNames).toEqual(['zip=01234', 'zip=1234', 'n']);

    const bad = await dataError(prepare(text, { columns: { id: 'numeric' } }));
    expect(bad.code).toBe('NON_NUMERIC_VALUE');
    expect(bad.message).toBe(
      'row 2, column "id": "row0" is not a number (column is numeric: declared numeric in the columns option)',
    );
  });

  it('rejects option names that are not columns, and a kind for the target', async () => {
    const text = csv(['x', 'label'], 6, (c, i) => (c === 'x' ? String(i) : 'ab'[i % 2]));
    const err = await dataError(prepare(text, { columns: { colour: 'ignore' } }));
    expect(err.code).toBe('UNKNOWN_COLUMN');
    expect(err.message).toBe(
      'the columns option names "colour", which is not a column of the file (columns: "x", "label")',
    );
    await expect(prepare(text, { columns: { label: 'categorical' } })).rejects.toBeInstanceOf(ParamsError);
    const none = await dataError(prepare(text, { columns: { x: 'ignore' } }));
    expect(none.code).toBe('NO_FEATURES');
    expect(none.message).toBe('no feature columns: every column other than the target "label" is ignored');
  });

  it('refuses a categorical column with too many levels to one-hot encode', async () => {
    const n = MAX_CATEGORICAL_LEVELS + 2;
    const text = csv(['name', 'x', 'label'], n, (c, i) =>
      c === 'name' ? `n${i}` : c === 'x' ? String(i) : 'ab'[i % 2],
    );
    const err = await dataError(prepare(text));
    expect(err.code).toBe('INVALID_VALUE');
    expect(err.message).toBe(
      `column "name" has more than ${MAX_CATEGORICAL_LEVELS} distinct values, too many for a categorical feature; mark it 'ignore' in the columns option`,
    );
    // Ignoring it works, and a many-valued numeric column is fine.
    const data = await prepare(text, { columns: { name: 'ignore' } });
    expect(data.featureNames).toEqual(['x']);
  });
});

describe('target and classes', () => {
  it('sorts a numeric target numerically and keeps labels as numbers ("1" and "1.0" are one class)', async () => {
    const labels = ['10', '2', '1', '1.0', '2', '10'];
    const text = csv(['x', 'grade'], 12, (c, i) => (c === 'x' ? String(i) : labels[i % 6]));
    const data = await prepare(text);
    expect(data.classes).toEqual([1, 2, 10]);
    expect(data.summary.classCounts).toEqual({ 1: 4, 2: 4, 10: 4 });
    expect(data.preprocessor.decode(2)).toBe(10);
  });

  it('sorts string labels by code unit as np.unique does (upper case first), numbers among them as text', async () => {
    const labels = ['b', 'B', 'a', '10', '9'];
    const text = csv(['x', 'y'], 20, (c, i) => (c === 'x' ? String(i) : labels[i % 5]));
    const data = await prepare(text, { stratify: false, folds: 2, testSize: 0.2 });
    expect(data.classes).toEqual(['10', '9', 'B', 'a', 'b']);
    // y indexes that order.
    const trainLabels = Array.from(data.train.y, (k) => data.classes[k]);
    expect(trainLabels).toEqual(Array.from(data.trainRows, (row) => labels[row % 5]));
  });

  it('takes the target by name, anywhere in the header', async () => {
    const text = csv(['species', 'x', 'z'], 10, (c, i) =>
      c === 'species' ? 'pq'[i % 2] : String(i * (c === 'x' ? 1 : 2)),
    );
    const data = await prepare(text, { target: 'species' });
    expect(data.target).toBe('species');
    expect(data.featureNames).toEqual(['x', 'z']);
    expect(data.classes).toEqual(['p', 'q']);
  });

  it('says when a class is too small in the whole file', async () => {
    const text = csv(['x', 'y'], 12, (c, i) => (c === 'x' ? String(i) : i < 2 ? 'rare' : 'common'));
    const err = await dataError(prepareCsv(text));
    expect(err.code).toBe('CLASS_TOO_SMALL');
    expect(err.message).toBe(
      'class "rare" of column "y" has 2 rows in the whole file, fewer than the 5 cross-validation folds',
    );
  });
});
