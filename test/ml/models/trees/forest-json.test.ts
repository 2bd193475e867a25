import { describe, expect, it } from 'vitest';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { ModelFormatError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import { type RandomForest, randomForestSpec } from '../../../../layers/ml/models/random-forest.ts';
import { decodeBase64, encodeBase64 } from '../../../../layers/ml/models/tree/base64.ts';
import { packUints, unpackUints } from '../../../../layers/ml/models/tree/binary-arrays.ts';
import {
  type ForestJSON,
  forestFromJSON,
  forestToJSON,
} from '../../../../layers/ml/models/tree/forest-json.ts';
import { PackedForest } from '../../../../layers/ml/models/tree/packed-forest.ts';
import { treeToJSON } from '../../../../layers/ml/models/tree/serialize.ts';
import { rowAt } from './helpers.ts';

const data = makeClassification({ nRows: 500, nFeatures: 7, nClasses: 3, seed: 11 });

function fitForest(nTrees: number, seed = 5): RandomForest {
  const model = randomForestSpec.create(randomForestSpec.params.parse({ n_estimators: nTrees }), seed);
  model.fit(data);
  return model as RandomForest;
}

/** The JSON format 1 wrote (serialize.ts's treeToJSON is that writer, kept for the other tree models). */
function version1(model: RandomForest): ModelJSON {
  const v2 = model.toJSON();
  return {
    ...v2,
    formatVersion: 1,
    state: {
      trees: model.trees.map(treeToJSON),
      featureImportances: Array.from(model.featureImportances()),
    },
  };
}

/** Every bit, so −0/0 or a last-digit rounding difference shows. */
const bits = (a: Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length * 2));

describe('base64', () => {
  it('round-trips bytes of every length and matches the standard encoding', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(decodeBase64(text, 'x'))).toEqual(Array.from(bytes));
    }
  });

  it.each(['A', 'AAA=A', 'AB==', 'AAB=', 'AA*A', 'AAĀA', 'AA=A', 42])('refuses %j', (text) => {
    expect(() => decodeBase64(text, 'x')).toThrow(ModelFormatError);
  });

  it('packs integers in the fewest bytes and reads them back', () => {
    for (const [values, bytes] of [
      [[0, 255, 7], 1],
      [[0, 256, 65535], 2],
      [[65536, 2 ** 31 - 1, 3], 4],
    ] as const) {
      const packed = packUints(values);
      expect(packed.bytes).toBe(bytes);
      expect(Array.from(unpackUints(JSON.parse(JSON.stringify(packed)), 'x'))).toEqual(values);
    }
  });
});

describe('RandomForest format 2', () => {
  it('loads a format 1 document; its format 2 re-save predicts bit-identically', () => {
    const model = fitForest(12);
    const v1 = JSON.parse(JSON.stringify(version1(model))) as ModelJSON;
    const fromV1 = randomForestSpec.fromJSON(v1);
    const v2 = JSON.parse(JSON.stringify(fromV1.toJSON())) as ModelJSON;
    expect(v2.formatVersion).toBe(2);
    expect(JSON.stringify(v2)).toBe(JSON.stringify(model.toJSON()));
    const fromV2 = randomForestSpec.fromJSON(v2) as RandomForest;
    const expected = bits(model.predictProba(data));
    expect(bits(fromV1.predictProba(data))).toEqual(expected);
    expect(bits(fromV2.predictProba(data))).toEqual(expected);
    const [a, b] = [new Float64Array(3), new Float64Array(3)];
    for (let i = 0; i < data.nRows; i += 7) {
      fromV1.predictProbaRow(rowAt(data, i), a);
      fromV2.predictProbaRow(rowAt(data, i), b);
      expect(bits(b)).toEqual(bits(a));
    }
    expect(Array.from(fromV2.featureImportances())).toEqual(Array.from(model.featureImportances()));
  });

  it('reads back the very node arrays it wrote', () => {
    const { trees } = fitForest(6);
    const json = JSON.parse(JSON.stringify(forestToJSON(trees, 7, 3))) as ForestJSON;
    const loaded = forestFromJSON(json, 7, 3, 'forest');
    loaded.trees.forEach((t, k) => {
      const original = trees[k];
      expect(Array.from(t.feature)).toEqual(Array.from(original.feature));
      expect(Array.from(t.left)).toEqual(Array.from(original.left));
      expect(Array.from(t.right)).toEqual(Array.from(original.right));
      for (let i = 0; i < t.nodeCount; i++) {
        if (t.feature[i] >= 0) {
          expect(t.threshold[i]).toBe(original.threshold[i]);
          expect(loaded.thresholds[t.feature[i]][loaded.splitRanks[k][i]]).toBe(t.threshold[i]);
        } else {
          expect(bits(t.value.subarray(3 * i, 3 * i + 3))).toEqual(
            bits(original.value.subarray(3 * i, 3 * i + 3)),
          );
        }
      }
    });
  });

  it('packs with stored ranks as with searched ones, threshold chunks included', () => {
    const { trees } = fitForest(8);
    const { thresholds, splitRanks } = forestFromJSON(forestToJSON(trees, 7, 3), 7, 3, 'forest');
    const searched = new PackedForest(trees, 3, { maxRankBits: 3 });
    const given = new PackedForest(trees, 3, { maxRankBits: 3, thresholds, splitRanks });
    expect(bits(given.meanColumnMajor(data.values, data.nRows))).toEqual(
      bits(searched.meanColumnMajor(data.values, data.nRows)),
    );
  });

  it('rejects corrupted forests', () => {
    const good = fitForest(3).toJSON();
    type Forest = Record<string, { bytes: number; base64: string } | string>;
    const edit = (key: string, values: number[]) => (f: Forest) => {
      f[key] = packUints(values);
    };
    const { trees } = fitForest(3);
    const features = trees.flatMap((t) => Array.from(t.feature, (f) => f + 1));
    const internal = features.filter((f) => f > 0).length;
    const corruptions: Array<(f: Forest) => void> = [
      edit('nodeCounts', [trees[0].nodeCount, trees[1].nodeCount]), // n_estimators says 3
      edit(
        'feature',
        features.map((f, i) => (i === 0 ? 8 : f)),
      ), // feature 7 of 7
      edit('left', new Array<number>(internal).fill(0)), // children before their parent
      edit('split', new Array<number>(internal).fill(10_000)),
      edit('leaf', new Array<number>(features.length - internal).fill(99)),
      edit('thresholdCounts', [1, 1, 1, 1, 1, 1, 1]),
      (f) => {
        f.leafValues = '@@@@';
      },
      (f) => {
        f.thresholds = encodeBase64(new Uint8Array(new Float64Array([2, 1]).buffer));
        f.thresholdCounts = packUints([2, 0, 0, 0, 0, 0, 0]);
      },
    ];
    for (const corrupt of corruptions) {
      const j = structuredClone(good) as ModelJSON & { state: { forest: Forest } };
      corrupt(j.state.forest);
      expect(() => randomForestSpec.fromJSON(j)).toThrow(ModelFormatError);
    }
    expect(() => randomForestSpec.fromJSON(structuredClone(good))).not.toThrow();
  });
});
