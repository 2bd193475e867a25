import { describe, expect, it } from 'vitest';
import {
  decodeDataset,
  encodeDataset,
  type PreparedDataset,
} from '../../../layers/ml/data/dataset-binary.ts';
import { takeLabelled } from '../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../layers/ml/data/synthetic.ts';
import { ModelFormatError, ParamsError } from '../../../layers/ml/errors.ts';
import { searchFolds } from '../../../layers/ml/search/cell-search.ts';

/** 3 features (odd row counts, so int32 sections need padding), 3 classes, 5 stratified shuffled folds. */
function dataset(trainRows = 121, testRows = 31): PreparedDataset {
  const all = makeClassification({ nRows: trainRows + testRows, nFeatures: 3, nClasses: 3, seed: 5 });
  const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  const train = takeLabelled(all, range(0, trainRows));
  const test = takeLabelled(all, range(trainRows, trainRows + testRows));
  return {
    target: 'label',
    featureNames: ['a', 'b', 'c'],
    classes: ['no', 'yes', 7],
    train,
    test,
    folds: searchFolds(train, { folds: 5, seed: 9, shuffle: true }),
  };
}

function concat(chunks: readonly Uint8Array[], leading = 0): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(leading + total).subarray(leading);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function expectSameDataset(actual: PreparedDataset, expected: PreparedDataset): void {
  expect(actual.target).toBe(expected.target);
  expect(actual.featureNames).toEqual(expected.featureNames);
  expect(actual.classes).toEqual(expected.classes);
  for (const part of ['train', 'test'] as const) {
    expect(actual[part].nRows).toBe(expected[part].nRows);
    expect(actual[part].nFeatures).toBe(expected[part].nFeatures);
    expect(actual[part].nClasses).toBe(expected[part].nClasses);
    expect(Array.from(actual[part].values)).toEqual(Array.from(expected[part].values));
    expect(Array.from(actual[part].y)).toEqual(Array.from(expected[part].y));
  }
}

describe('dataset binary', () => {
  it('round-trips matrices, labels, names and classes', () => {
    const original = dataset();
    expectSameDataset(decodeDataset(concat(encodeDataset(original))), original);
  });

  it('decodes folds identical to the searchFolds ones it was given (every index, in order)', () => {
    const original = dataset();
    const decoded = decodeDataset(concat(encodeDataset(original)));
    expect(decoded.folds).toHaveLength(original.folds.length);
    decoded.folds.forEach((fold, f) => {
      expect(fold.train).toBeInstanceOf(Int32Array);
      expect(Array.from(fold.train)).toEqual(Array.from(original.folds[f].train));
      expect(Array.from(fold.validation)).toEqual(Array.from(original.folds[f].validation));
    });
  });

  it('hands out the given arrays as chunks instead of copying them', () => {
    const original = dataset();
    const chunks = encodeDataset(original);
    expect(chunks.some((c) => c.buffer === original.train.values.buffer)).toBe(true);
    expect(chunks.some((c) => c.buffer === original.test.values.buffer)).toBe(true);
  });

  it('returns views over the bytes when aligned, and correct copies when not', () => {
    const original = dataset();
    const aligned = concat(encodeDataset(original));
    const viewed = decodeDataset(aligned);
    expect(viewed.train.values.buffer).toBe(aligned.buffer);
    expect(viewed.test.y.buffer).toBe(aligned.buffer);

    const shifted = concat(encodeDataset(original), 3);
    expect(shifted.byteOffset % 8).toBe(3);
    const copied = decodeDataset(shifted);
    expect(copied.train.values.buffer).not.toBe(shifted.buffer);
    expectSameDataset(copied, original);
  });

  it('starts every section on an 8-byte boundary', () => {
    const chunks = encodeDataset(dataset());
    let at = 0;
    for (const chunk of chunks) {
      if (chunk.byteLength >= 8) expect(at % 8).toBe(0);
      at += chunk.byteLength;
    }
    expect(at % 8).toBe(0);
  });

  it('round-trips an empty test split', () => {
    const original = dataset(40, 0);
    expectSameDataset(decodeDataset(concat(encodeDataset(original))), original);
  });

  it('refuses a bad magic', () => {
    const bytes = concat(encodeDataset(dataset()));
    bytes[0] = 0x41;
    expect(() => decodeDataset(bytes)).toThrow(ModelFormatError);
    expect(() => decodeDataset(new TextEncoder().encode('a,b\n1,2\n'))).toThrow(/bad magic/);
  });

  it('refuses another format version, naming it', () => {
    const bytes = concat(encodeDataset(dataset()));
    const text = new TextDecoder('latin1').decode(bytes.subarray(0, 400));
    const at = text.indexOf('"formatVersion":1');
    expect(at).toBeGreaterThan(0);
    bytes[at + '"formatVersion":'.length] = '2'.charCodeAt(0);
    expect(() => decodeDataset(bytes)).toThrow(/format version 2 is not supported/);
  });

  it('refuses a truncated object, in the header or in the sections', () => {
    const bytes = concat(encodeDataset(dataset()));
    expect(() => decodeDataset(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
    expect(() => decodeDataset(bytes.subarray(0, 40))).toThrow(/truncated/);
    expect(() => decodeDataset(bytes.subarray(0, 5))).toThrow(ModelFormatError);
  });

  it('refuses folds that one fold number per row cannot represent', () => {
    const original = dataset();
    const [first, ...rest] = original.folds;
    const overlapping = {
      train: first.train,
      validation: Int32Array.of(...first.validation, first.train[0]).sort(),
    };
    expect(() => encodeDataset({ ...original, folds: [overlapping, ...rest] })).toThrow(ParamsError);
    const partial = { train: first.train.subarray(1), validation: first.validation };
    expect(() => encodeDataset({ ...original, folds: [partial, ...rest] })).toThrow(/complement/);
  });
});
