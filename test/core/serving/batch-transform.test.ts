/**
 * Batch transform on in-memory ports with a model trained here on generated data: a 100k-row file scored
 * exactly as the same rows scored in memory, bad rows reported one by one and never dropped, a bad header
 * failing the file, keys outside `in/` skipped, and the output produced while the input still streams.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import {
  buildModelDocument,
  type LoadedModel,
  loadModelDocument,
  sha256Hex,
} from '../../../layers/core/pipeline/model-document.ts';
import type { NewModelVersion } from '../../../layers/core/pipeline/records.ts';
import type { ObjectRef } from '../../../layers/core/ports.ts';
import {
  BatchTransformError,
  type BatchTransformSummary,
  batchTransform,
  CHUNK_ROWS,
} from '../../../layers/core/serving/batch-transform.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import type { InputRecord } from '../../../layers/ml/data/preprocessor.ts';
import { argmaxRows } from '../../../layers/ml/models/classifier.ts';
import { createModel } from '../../../layers/ml/models/registry.ts';
import { FixedClock, MemoryArtifactStore, MemoryRegistry } from '../../support/memory-ports.ts';

const BUCKET = 'batch-test-bucket';
const MODEL = 'construction';

interface Trained {
  readonly bytes: Uint8Array;
  readonly algorithm: 'RandomForest' | 'DecisionTree';
}

async function train(algorithm: Trained['algorithm'], seed: number): Promise<Trained> {
  const prepared = await prepareCsv(generateConstructionCsv({ rows: 600, seed }), { seed: 1 });
  const params = algorithm === 'RandomForest' ? { n_estimators: 10, max_depth: 6 } : { max_depth: 4 };
  const model = createModel(algorithm, params, 1);
  model.fit(prepared.train);
  const bytes = buildModelDocument({
    algorithm,
    params,
    preprocessor: prepared.preprocessor.toJSON(),
    model: model.toJSON(),
    metrics: { testAccuracy: 0.8, cvAccuracy: 0.8, cvStd: 0.01 },
    runId: `run-${algorithm}`,
  });
  return { bytes, algorithm };
}

let champion: Trained;
let challenger: Trained;

beforeAll(async () => {
  champion = await train('RandomForest', 11);
  challenger = await train('DecisionTree', 12);
});

interface World {
  readonly store: MemoryArtifactStore;
  readonly registry: MemoryRegistry;
  readonly clock: FixedClock;
}

async function register(world: World, trained: Trained, alias: 'champion' | 'challenger'): Promise<number> {
  const key = `models/${MODEL}/${trained.algorithm}.json`;
  world.store.put({ bucket: BUCKET, key }, trained.bytes);
  const loaded = loadModelDocument(trained.bytes);
  loaded.classifier.dispose();
  const version: NewModelVersion = {
    modelName: MODEL,
    algorithm: trained.algorithm,
    params: {},
    artifact: { uri: `s3://${BUCKET}/${key}`, sha256: sha256Hex(trained.bytes), size: trained.bytes.length },
    signature: loaded.signature,
    metrics: { testAccuracy: 0.8, cvAccuracy: 0.8, cvStd: 0.01 },
    lineage: {
      runId: 'run-1',
      trigger: 'upload',
      dataset: { uri: `s3://${BUCKET}/incoming/x.csv`, digest: 'd' },
      codeVersion: 'test',
    },
  };
  const record = await world.registry.createVersion(version);
  await world.registry.moveAlias({
    modelName: MODEL,
    alias,
    version: record.version,
    expectedRevision: undefined,
    reason: 'test',
    actor: 'test',
  });
  return record.version;
}

async function world(store = new MemoryArtifactStore()): Promise<World> {
  const clock = new FixedClock(new Date('2026-02-03T04:05:06.000Z'));
  const w = { store, registry: new MemoryRegistry(clock), clock };
  await register(w, champion, 'champion');
  await register(w, challenger, 'challenger');
  return w;
}

const ref = (key: string): ObjectRef => ({ bucket: BUCKET, key });

function text(store: MemoryArtifactStore, key: string): string | undefined {
  const found = store.objects.get(`s3://${BUCKET}/${key}`);
  return found === undefined ? undefined : new TextDecoder().decode(found.bytes);
}

function csvOf(store: MemoryArtifactStore, key: string): string[][] {
  const body = text(store, key);
  if (body === undefined) throw new Error(`no object at ${key}`);
  return parse(body, { relax_column_count: true }) as string[][];
}

function summaryOf(store: MemoryArtifactStore, name: string): BatchTransformSummary {
  return JSON.parse(
    text(store, `batch/${MODEL}/out/${name}.summary.json`) ?? 'null',
  ) as BatchTransformSummary;
}

async function run(w: World, name: string, csv: string, metadata: Record<string, string> = {}) {
  const key = `batch/${MODEL}/in/${name}.csv`;
  w.store.put(ref(key), csv, metadata);
  return batchTransform({ artifacts: w.store, registry: w.registry, clock: w.clock }, ref(key));
}

/** Lines and fields of a CSV without quoted fields. */
function splitCsv(body: string): string[][] {
  const lines = body.split('\n');
  expect(lines.pop()).toBe('');
  return lines.map((line) => line.split(','));
}

/**
 * The reference: the same rows turned into records by hand (empty cell → missing) and scored in memory
 * with one transformRecords + predictProba over the whole file.
 */
function scoreInMemory(model: LoadedModel, header: string[], rows: string[][]) {
  const records = rows.map((cells): InputRecord => {
    const record: Record<string, unknown> = {};
    for (const column of model.signature.inputs) {
      const cell = cells[header.indexOf(column.name)];
      record[column.name] = cell === '' ? null : column.type === 'number' ? Number(cell) : cell;
    }
    return record;
  });
  const nClasses = model.classes.length;
  const probabilities = model.classifier.predictProba(model.preprocessor.transformRecords(records));
  const best = argmaxRows(probabilities, rows.length, nClasses);
  return rows.map((_, i) => ({
    prediction: String(model.classes[best[i]]),
    probabilities: Array.from(probabilities.subarray(i * nClasses, (i + 1) * nClasses)),
  }));
}

describe('batch transform of a 100k-row file', () => {
  it('writes one output row per input row, predictions identical to scoring in memory', async () => {
    const w = await world();
    const csv = generateConstructionCsv({ rows: 100_000, seed: 21 });
    const summary = await run(w, 'big', csv);

    expect(summary).toEqual({
      model: MODEL,
      version: 1,
      alias: 'champion',
      input: `s3://${BUCKET}/batch/${MODEL}/in/big.csv`,
      output: `s3://${BUCKET}/batch/${MODEL}/out/big.csv`,
      errors: `s3://${BUCKET}/batch/${MODEL}/out/big.errors.csv`,
      rows: 100_000,
      predicted: 100_000,
      failed: 0,
      status: 'SUCCEEDED',
      startedAt: '2026-02-03T04:05:06.000Z',
      finishedAt: '2026-02-03T04:05:06.000Z',
    });
    expect(summaryOf(w.store, 'big')).toEqual(summary);
    expect(text(w.store, `batch/${MODEL}/out/big.errors.csv`)).toBe('row,field,reason\n');

    // The generated file and the output quote nothing, so plain splitting reads them (fast, for 100k rows).
    const output = text(w.store, `batch/${MODEL}/out/big.csv`) ?? '';
    expect(csv.includes('"') || output.includes('"')).toBe(false);
    const [header, ...inputRows] = splitCsv(csv);
    const [outHeader, ...outRows] = splitCsv(output);
    const model = loadModelDocument(champion.bytes);
    const classes = model.classes.map(String);
    expect(outHeader).toEqual([
      'row',
      ...header,
      'prediction',
      ...classes.map((label) => `probability_${label}`),
    ]);
    const expected = scoreInMemory(model, header, inputRows);
    expect(outRows).toHaveLength(inputRows.length);
    let mismatches = 0;
    for (let i = 0; i < outRows.length; i++) {
      const out = outRows[i];
      const want = [
        String(i + 1),
        ...inputRows[i],
        expected[i].prediction,
        ...expected[i].probabilities.map(String),
      ];
      if (out.length !== want.length || out.some((cell, j) => cell !== want[j])) mismatches++;
    }
    expect(mismatches).toBe(0);
    // The reference is not degenerate: the model predicts more than one class on this file.
    expect(new Set(expected.map((e) => e.prediction)).size).toBeGreaterThan(1);
    model.classifier.dispose();
  });
});

describe('batch transform row errors', () => {
  const header = ['activity_type', 'planned_duration_days', 'crew_size', 'subcontractor'];
  const good = (k: number) => ['roofing', String(5 + k), String(4 + (k % 3)), 'keystone'];

  it('reports each bad row in the errors file and writes every good row', async () => {
    const w = await world();
    const rows = Array.from({ length: 3 * CHUNK_ROWS + 7 }, (_, k) => good(k).join(','));
    const bad = new Map<number, string>([
      [2, 'roofing,abc,4,keystone'],
      [CHUNK_ROWS + 1, 'roofing,5,4'],
      [CHUNK_ROWS + 2, 'roofing,5,0x1f,keystone'],
      [3 * CHUNK_ROWS + 7, 'roofing,1e999,4,keystone'],
    ]);
    for (const [row, line] of bad) rows[row - 1] = line;
    const summary = await run(w, 'mixed', `${header.join(',')}\n${rows.join('\n')}\n`);

    expect(summary).toMatchObject({ rows: rows.length, predicted: rows.length - 4, failed: 4 });
    expect(summary).toMatchObject({ status: 'SUCCEEDED' });
    const [errorsHeader, ...errors] = csvOf(w.store, `batch/${MODEL}/out/mixed.errors.csv`);
    expect(errorsHeader).toEqual(['row', 'field', 'reason']);
    expect(errors).toEqual([
      ['2', 'planned_duration_days', 'expected a number, got "abc"'],
      [String(CHUNK_ROWS + 1), '', 'has 3 cells, the header has 4'],
      [String(CHUNK_ROWS + 2), 'crew_size', 'expected a number, got "0x1f"'],
      [String(3 * CHUNK_ROWS + 7), 'planned_duration_days', 'expected a number, got "1e999"'],
    ]);
    const [, ...outRows] = csvOf(w.store, `batch/${MODEL}/out/mixed.csv`);
    const expectedRows = rows.map((_, k) => k + 1).filter((row) => !bad.has(row));
    expect(outRows.map((cells) => Number(cells[0]))).toEqual(expectedRows);
    for (const cells of outRows) expect(cells.slice(1, 5)).toEqual(good(Number(cells[0]) - 1));
  });

  it('quotes cells holding commas, quotes and line breaks so the output reads back as the input', async () => {
    const w = await world();
    const tricky = ['a, b', 'say "hi"', 'two\nlines', ' padded ', 'café'];
    const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
    const body = tricky.map((cell, k) => ['roofing', String(3 + k), '4', quote(cell)].join(',')).join('\r\n');
    const summary = await run(w, 'tricky', `${header.join(',')}\r\n${body}\r\n`);
    expect(summary).toMatchObject({ rows: 5, predicted: 5, failed: 0 });
    const [, ...outRows] = csvOf(w.store, `batch/${MODEL}/out/tricky.csv`);
    expect(outRows.map((cells) => cells[4])).toEqual(tricky);
    expect(outRows.map((cells) => cells[0])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('writes a header-only output for a file with no data rows', async () => {
    const w = await world();
    const summary = await run(w, 'empty-rows', `${header.join(',')}\n`);
    expect(summary).toMatchObject({ status: 'SUCCEEDED', rows: 0, predicted: 0, failed: 0 });
    expect(csvOf(w.store, `batch/${MODEL}/out/empty-rows.csv`)).toHaveLength(1);
  });
});

describe('batch transform failures', () => {
  it('fails the file on an unknown column: FAILED summary, the column in the errors file, no output', async () => {
    const w = await world();
    const error = await run(w, 'unknown', 'activity_type,colour\nroofing,red\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchTransformError);
    expect(error).toMatchObject({ message: expect.stringMatching(/unknown\.csv failed: .*"colour"/) });
    expect(summaryOf(w.store, 'unknown')).toMatchObject({
      status: 'FAILED',
      version: 1,
      output: null,
      rows: 0,
      reason: expect.stringContaining('"colour" is not an input of the model'),
    });
    const [, ...errors] = csvOf(w.store, `batch/${MODEL}/out/unknown.errors.csv`);
    expect(errors).toEqual([['header', '', 'column 2 "colour" is not an input of the model']]);
    expect(text(w.store, `batch/${MODEL}/out/unknown.csv`)).toBeUndefined();
  });

  it('fails a malformed CSV, naming the row where reading stopped', async () => {
    const w = await world();
    const csv = 'activity_type,crew_size\nroofing,4\nroofing,"5\n';
    await expect(run(w, 'quote', csv)).rejects.toThrow(/malformed CSV at data row 2/);
    expect(summaryOf(w.store, 'quote')).toMatchObject({ status: 'FAILED', output: null });
    const [, ...errors] = csvOf(w.store, `batch/${MODEL}/out/quote.errors.csv`);
    expect(errors).toEqual([['2', '', expect.stringContaining('malformed CSV')]]);
  });

  it('fails an empty file', async () => {
    const w = await world();
    await expect(run(w, 'nothing', '')).rejects.toThrow(/empty/);
    expect(summaryOf(w.store, 'nothing')).toMatchObject({ status: 'FAILED', rows: 0 });
  });

  it('fails when the model has no champion, still writing the summary and the errors file', async () => {
    const w = await world();
    w.registry.aliases.clear();
    await expect(run(w, 'orphan', 'activity_type\nroofing\n')).rejects.toThrow(/has no champion/);
    expect(summaryOf(w.store, 'orphan')).toMatchObject({
      status: 'FAILED',
      version: null,
      alias: 'champion',
    });
    expect(text(w.store, `batch/${MODEL}/out/orphan.errors.csv`)).toBe('row,field,reason\n');
  });

  it('refuses a tampered model artifact', async () => {
    const w = await world();
    const key = `models/${MODEL}/RandomForest.json`;
    const bytes = w.store.objects.get(`s3://${BUCKET}/${key}`)?.bytes ?? new Uint8Array();
    w.store.put(
      ref(key),
      Uint8Array.from(bytes, (b, i) => (i === 100 ? b ^ 1 : b)),
    );
    await expect(run(w, 'tampered', 'activity_type\nroofing\n')).rejects.toThrow(/sha256 mismatch/);
    expect(summaryOf(w.store, 'tampered')).toMatchObject({ status: 'FAILED', version: 1 });
  });

  it('stops when the signal aborts, recording how far it got', async () => {
    const w = await world();
    const controller = new AbortController();
    const csv = generateConstructionCsv({ rows: 20_000, seed: 3 });
    // The deadline arrives once 10 chunks (640 KiB, of about 1.5 MB) of input have been read.
    const stream = w.store.stream.bind(w.store);
    w.store.stream = async (target) => {
      const chunks = await stream(target);
      return (async function* () {
        let read = 0;
        for await (const chunk of chunks) {
          yield chunk;
          if (++read === 10) controller.abort(new Error('the Lambda deadline is near'));
        }
      })();
    };
    const key = `batch/${MODEL}/in/slow.csv`;
    w.store.put(ref(key), csv);
    const deps = { artifacts: w.store, registry: w.registry, clock: w.clock };
    await expect(batchTransform(deps, ref(key), controller.signal)).rejects.toThrow(/deadline is near/);
    const summary = summaryOf(w.store, 'slow');
    expect(summary).toMatchObject({
      status: 'FAILED',
      reason: expect.stringMatching(/^stopped after \d+ rows/),
    });
    expect(summary.rows).toBeGreaterThan(0);
    expect(summary.rows).toBeLessThan(20_000);
    expect(text(w.store, `batch/${MODEL}/out/slow.csv`)).toBeUndefined();
  });
});

/** A store whose writes to keys ending in `failing` fail at once, without reading the body. */
class FailingWriteStore extends MemoryArtifactStore {
  constructor(private readonly failing: string) {
    super();
  }

  override async write(
    target: ObjectRef,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options?: Parameters<MemoryArtifactStore['write']>[2],
  ) {
    if (target.key.endsWith(this.failing)) throw new Error(`S3 refused ${target.key}`);
    return super.write(target, body, options);
  }
}

describe('batch transform upload failures', () => {
  const csv = 'activity_type,crew_size\nroofing,4\nroofing,x\nroofing,5\n';

  it('fails the file when the predictions upload fails, still ending the errors file', async () => {
    const w = await world(new FailingWriteStore('/up.csv'));
    await expect(run(w, 'up', csv)).rejects.toThrow(/S3 refused batch\/construction\/out\/up.csv/);
    expect(summaryOf(w.store, 'up')).toMatchObject({ status: 'FAILED', output: null });
    expect(text(w.store, `batch/${MODEL}/out/up.errors.csv`)).toBe('row,field,reason\n');
  });

  it('fails the file when the errors upload fails, without waiting for it forever', async () => {
    const w = await world(new FailingWriteStore('/up.errors.csv'));
    await expect(run(w, 'up', csv)).rejects.toThrow(/S3 refused batch\/construction\/out\/up.errors.csv/);
    expect(summaryOf(w.store, 'up')).toMatchObject({ status: 'FAILED' });
  });

  it('writes a header-only errors file when the input is gone before it is read', async () => {
    const w = await world();
    const key = `batch/${MODEL}/in/gone.csv`;
    w.store.put(ref(key), csv);
    w.store.stream = async () => {
      throw new Error('NoSuchKey');
    };
    const deps = { artifacts: w.store, registry: w.registry, clock: w.clock };
    await expect(batchTransform(deps, ref(key))).rejects.toThrow(/NoSuchKey/);
    expect(text(w.store, `batch/${MODEL}/out/gone.errors.csv`)).toBe('row,field,reason\n');
  });
});

describe('batch transform model choice', () => {
  it('uses the challenger when the object metadata says alias=challenger', async () => {
    const w = await world();
    const csv = generateConstructionCsv({ rows: 300, seed: 5 });
    const summary = await run(w, 'ab', csv, { alias: 'challenger' });
    expect(summary).toMatchObject({ alias: 'challenger', version: 2, predicted: 300 });
    const [header, ...inputRows] = parse(csv) as string[][];
    const [, ...outRows] = csvOf(w.store, `batch/${MODEL}/out/ab.csv`);
    const model = loadModelDocument(challenger.bytes);
    const expected = scoreInMemory(model, header, inputRows);
    expect(outRows.map((cells) => cells[header.length + 1])).toEqual(expected.map((e) => e.prediction));
  });

  it('fails on an alias metadata it does not know', async () => {
    const w = await world();
    await expect(run(w, 'odd', 'activity_type\nroofing\n', { alias: 'canary' })).rejects.toThrow(
      /metadata alias is "canary"/,
    );
    expect(summaryOf(w.store, 'odd')).toMatchObject({ status: 'FAILED', alias: 'canary', version: null });
  });
});

describe('batch transform keys', () => {
  it.each([
    [`batch/${MODEL}/out/big.csv`],
    [`batch/${MODEL}/out/big.errors.csv`],
    [`batch/${MODEL}/in/notes.json`],
    [`batch/${MODEL}/in/.csv`],
    [`batch/in/data.csv`],
    ['incoming/construction/data.csv'],
  ])('skips %s', async (key) => {
    const w = await world();
    const before = w.store.objects.size;
    const result = await batchTransform(
      { artifacts: w.store, registry: w.registry, clock: w.clock },
      ref(key),
    );
    expect(result).toEqual({ skipped: expect.stringContaining(key) });
    expect(w.store.objects.size).toBe(before);
  });

  it('mirrors sub-folders of in/ under out/', async () => {
    const w = await world();
    const summary = await run(w, '2026/02/day', 'activity_type\nroofing\n');
    expect(summary).toMatchObject({ output: `s3://${BUCKET}/batch/${MODEL}/out/2026/02/day.csv` });
  });
});

/** Records how much input had been read when each output chunk was written. */
class StreamProbeStore extends MemoryArtifactStore {
  inputChunksRead = 0;
  inputChunks = 0;
  readonly readAtOutputChunk: number[] = [];

  override async stream(target: ObjectRef): Promise<AsyncIterable<Uint8Array>> {
    const chunks = await super.stream(target);
    const probe = this;
    return (async function* () {
      for await (const chunk of chunks) {
        probe.inputChunksRead++;
        yield chunk;
      }
    })();
  }

  override async write(
    target: ObjectRef,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options?: Parameters<MemoryArtifactStore['write']>[2],
  ) {
    if (typeof body === 'string' || body instanceof Uint8Array || !target.key.endsWith('/big.csv')) {
      return super.write(target, body, options);
    }
    const probe = this;
    return super.write(
      target,
      (async function* () {
        for await (const chunk of body) {
          probe.readAtOutputChunk.push(probe.inputChunksRead);
          yield chunk;
        }
      })(),
      options,
    );
  }
}

describe('batch transform streaming', () => {
  it('writes output while the input is still being read (the file is never held whole)', async () => {
    const store = new StreamProbeStore();
    const w = await world(store);
    const csv = generateConstructionCsv({ rows: 12_000, seed: 9 });
    const inputChunks = Math.ceil(new TextEncoder().encode(csv).length / (64 * 1024));
    await run(w, 'big', csv);
    expect(store.inputChunksRead).toBe(inputChunks);
    expect(store.readAtOutputChunk.length).toBeGreaterThan(2);
    // Output chunks appear spread over the read, not all after it.
    expect(store.readAtOutputChunk[1]).toBeLessThan(inputChunks / 2);
  });
});
