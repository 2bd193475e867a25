import { beforeAll, describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import type { ModelDocumentInput } from '../../../layers/core/pipeline/model-document.ts';
import {
  ArtifactIntegrityError,
  buildModelDocument,
  canonicalJson,
  loadModelDocument,
  ModelDocumentError,
  parseModelDocument,
  sha256Hex,
} from '../../../layers/core/pipeline/model-document.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { createModel } from '../../../layers/ml/models/registry.ts';

const csv = generateConstructionCsv({ rows: 200, seed: 3 });

describe('model document', () => {
  let input: ModelDocumentInput;
  let testPredictions: Int32Array;
  let rawRecords: Record<string, string | null>[];

  beforeAll(async () => {
    const prepared = await prepareCsv(csv, { seed: 1 });
    const model = createModel('DecisionTree', { max_depth: 4 }, 1);
    model.fit(prepared.train);
    testPredictions = model.predict(prepared.test);
    input = {
      algorithm: 'DecisionTree',
      params: { max_depth: 4, criterion: 'gini' },
      preprocessor: prepared.preprocessor.toJSON(),
      model: model.toJSON(),
      metrics: { testAccuracy: 0.8, cvAccuracy: 0.75, cvStd: 0.02 },
      runId: 'run-1',
    };
    const [header, ...lines] = csv.trim().split('\n');
    const names = header.split(',');
    const all = lines.map((line) =>
      Object.fromEntries(line.split(',').map((v, j) => [names[j], v === '' ? null : v])),
    );
    rawRecords = Array.from(prepared.testRows, (row) => all[row]);
  });

  it('round-trips, and the loaded preprocessor + classifier predict the raw test records as trained', () => {
    const bytes = buildModelDocument(input);
    const loaded = loadModelDocument(bytes, sha256Hex(bytes));
    try {
      expect(loaded.document.algorithm).toBe('DecisionTree');
      expect(loaded.classes).toEqual(input.preprocessor.classes);
      const predicted = loaded.classifier.predict(loaded.preprocessor.transformRecords(rawRecords));
      expect(Array.from(predicted)).toEqual(Array.from(testPredictions));
    } finally {
      loaded.classifier.dispose();
    }
  });

  it('derives the signature from the preprocessor inputs', () => {
    const { signature } = parseModelDocument(buildModelDocument(input));
    const inputs = input.preprocessor.inputs;
    expect(signature.target).toBe('schedule_adherence');
    expect(signature.inputs.map((c) => c.name)).toEqual(inputs.map((c) => c.name));
    for (const [j, column] of signature.inputs.entries()) {
      const source = inputs[j];
      expect(column.type).toBe(source.kind === 'numeric' ? 'number' : 'string');
      expect(column.levels).toEqual(source.kind === 'categorical' ? source.levels : undefined);
    }
    expect(signature.inputs.some((c) => c.type === 'string')).toBe(true);
  });

  it('gives the same bytes whatever the key order of its parts', () => {
    const reordered: ModelDocumentInput = {
      ...input,
      params: { criterion: 'gini', max_depth: 4 },
      metrics: { cvStd: 0.02, cvAccuracy: 0.75, testAccuracy: 0.8 },
    };
    expect(sha256Hex(buildModelDocument(reordered))).toBe(sha256Hex(buildModelDocument(input)));
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });

  it('refuses a tampered artifact, naming the expected and actual sha256', () => {
    const bytes = buildModelDocument(input);
    const expected = sha256Hex(bytes);
    const text = new TextDecoder().decode(bytes).replace('"testAccuracy":0.8', '"testAccuracy":0.9');
    const tampered = new TextEncoder().encode(text);
    const actual = sha256Hex(tampered);
    expect(actual).not.toBe(expected);
    expect(() => loadModelDocument(tampered, expected)).toThrow(ArtifactIntegrityError);
    expect(() => loadModelDocument(tampered, expected)).toThrow(`expected ${expected}, got ${actual}`);
  });

  it('refuses documents whose parts do not describe one model', () => {
    const wrongAlgorithm = buildWith((doc) => ({ ...doc, algorithm: 'KNN' }));
    expect(() => parseModelDocument(wrongAlgorithm)).toThrow(
      /model\.model: is DecisionTree but algorithm is KNN/,
    );
    const missing = buildWith(({ runId: _runId, ...doc }) => doc);
    expect(() => parseModelDocument(missing)).toThrow(ModelDocumentError);
    expect(() => parseModelDocument(missing)).toThrow(/runId/);
    const badPreprocessor = buildWith((doc) => ({
      ...doc,
      preprocessor: { ...(doc.preprocessor as Record<string, unknown>), format: 'x' },
    }));
    expect(() => parseModelDocument(badPreprocessor)).toThrow(/preprocessor: .*format/);
    expect(() => parseModelDocument(new TextEncoder().encode('{'))).toThrow(ModelDocumentError);
  });

  it('refuses a model that does not fit the preprocessor at build time', () => {
    expect(() => buildModelDocument({ ...input, model: { ...input.model, nFeatures: 2 } })).toThrow(
      /model\.nFeatures: is 2/,
    );
  });

  function buildWith(edit: (doc: Record<string, unknown>) => Record<string, unknown>): Uint8Array {
    const doc = JSON.parse(new TextDecoder().decode(buildModelDocument(input))) as Record<string, unknown>;
    return new TextEncoder().encode(JSON.stringify(edit(doc)));
  }
});
