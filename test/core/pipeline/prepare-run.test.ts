import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import { ConflictError, RunConfigError } from '../../../layers/core/errors.ts';
import { runConstraintsKey, runStatisticsKey } from '../../../layers/core/monitoring/monitoring-keys.ts';
import { labelledKey, trainingSourceKey } from '../../../layers/core/pipeline/keys.ts';
import { prepareRun, type RunState } from '../../../layers/core/pipeline/prepare-run.ts';
import { DEFAULT_RUN_CONFIG } from '../../../layers/core/pipeline/run-config.ts';
import type { ObjectRef } from '../../../layers/core/ports.ts';
import { decodeDataset } from '../../../layers/ml/data/dataset-binary.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { baselineFromStatisticsJson } from '../../../layers/ml/drift/statistics-json.ts';
import { searchFolds } from '../../../layers/ml/search/cell-search.ts';
import { FixedClock, MemoryArtifactStore, MemoryExperiments } from '../../support/memory-ports.ts';

const BUCKET = 'data';
const KEY = 'incoming/site/2026-01.csv';

function setup(csv: string, files: Record<string, string> = {}, metadata: Record<string, string> = {}) {
  const artifacts = new MemoryArtifactStore();
  artifacts.put({ bucket: BUCKET, key: KEY }, csv, metadata);
  for (const [key, body] of Object.entries(files)) artifacts.put({ bucket: BUCKET, key }, body);
  const deps = { artifacts, experiments: new MemoryExperiments(), clock: new FixedClock(), bucket: BUCKET };
  const state: RunState = {
    runId: 'site-0123456789abcdef0123',
    request: { modelName: 'site', trigger: { kind: 'upload', bucket: BUCKET, key: KEY, etag: 'e1' } },
  };
  return { deps, state, artifacts };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const text = (artifacts: MemoryArtifactStore, ref: ObjectRef) =>
  new TextDecoder().decode(artifacts.objects.get(`s3://${ref.bucket}/${ref.key}`)?.bytes);

describe('prepareRun', () => {
  const csv = generateConstructionCsv({ rows: 400, seed: 3 });

  it('writes the same matrices, folds and preprocessor as the in-process preparation', async () => {
    const { deps, state, artifacts } = setup(csv);
    const out = await prepareRun(deps, state);

    const expected = await prepareCsv(csv, { seed: 42, testSize: 0.2, folds: 5 });
    const expectedFolds = searchFolds(expected.train, { folds: 5, seed: 42, shuffle: true });
    const decoded = decodeDataset(await artifacts.readBytes(out.dataset));
    expect(Array.from(decoded.train.values)).toEqual(Array.from(expected.train.values));
    expect(Array.from(decoded.train.y)).toEqual(Array.from(expected.train.y));
    expect(Array.from(decoded.test.values)).toEqual(Array.from(expected.test.values));
    expect(decoded.classes).toEqual(expected.classes);
    expect(decoded.featureNames).toEqual(expected.featureNames);
    decoded.folds.forEach((fold, f) => {
      expect(Array.from(fold.train)).toEqual(Array.from(expectedFolds[f].train));
      expect(Array.from(fold.validation)).toEqual(Array.from(expectedFolds[f].validation));
    });
    expect(await artifacts.readJson(out.preprocessor)).toEqual(expected.preprocessor.toJSON());

    expect(out).toMatchObject({
      target: 'schedule_adherence',
      classes: expected.classes,
      features: expected.featureNames.length,
      trainRows: 320,
      testRows: 80,
      source: {
        uri: `s3://${BUCKET}/${KEY}`,
        digest: createHash('sha256').update(csv).digest('hex'),
        rows: 400,
        columns: 17,
      },
      config: { ...DEFAULT_RUN_CONFIG },
    });
  });

  it('writes the raw test records, keyed by column, in test-row order', async () => {
    const { deps, state, artifacts } = setup(csv);
    const out = await prepareRun(deps, state);
    const expected = await prepareCsv(csv, { seed: 42, testSize: 0.2, folds: 5 });
    const [header, ...rows] = csv
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
    const lines = text(artifacts, out.holdout).trimEnd().split('\n');
    expect(lines).toHaveLength(80);
    lines.forEach((line, i) => {
      const row = rows[expected.testRows[i]];
      expect(JSON.parse(line)).toEqual(Object.fromEntries(header.map((name, j) => [name, row[j]])));
    });
  });

  it('writes the drift baseline of the training split next to the run', async () => {
    const { deps, state, artifacts } = setup(csv);
    const out = await prepareRun(deps, state);
    const statistics = await artifacts.readJson({ bucket: BUCKET, key: runStatisticsKey(state.runId) });
    const baseline = baselineFromStatisticsJson(statistics);
    expect(baseline.rows).toBe(out.trainRows);
    expect(baseline.features.map((f) => f.name)).toEqual(csv.split('\n')[0].split(',').slice(0, -1));
    expect(await artifacts.head({ bucket: BUCKET, key: runConstraintsKey(state.runId) })).toBeDefined();
  });

  it('marks the run RUNNING at prep and records the dataset and config', async () => {
    const { deps, state } = setup(csv);
    await deps.experiments.createRun({
      runId: state.runId,
      modelName: 'site',
      status: 'PENDING',
      trigger: state.request.trigger,
      createdAt: '2025-12-31T00:00:00.000Z',
      updatedAt: '2025-12-31T00:00:00.000Z',
      timings: { queued: 5 },
    });
    const out = await prepareRun(deps, state);
    expect(await deps.experiments.getRun(state.runId)).toMatchObject({
      status: 'RUNNING',
      stage: 'prep',
      startedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2025-12-31T00:00:00.000Z',
      dataset: out.source,
      config: DEFAULT_RUN_CONFIG,
      timings: { queued: 5, prep: 0 },
    });
  });

  it('creates the run when the execution was started without one (EventBridge)', async () => {
    const { deps, state } = setup(csv);
    await prepareRun(deps, state);
    expect(await deps.experiments.getRun(state.runId)).toMatchObject({
      status: 'RUNNING',
      modelName: 'site',
      trigger: state.request.trigger,
    });
  });

  it('never revives a finished run', async () => {
    const { deps, state } = setup(csv);
    await prepareRun(deps, state);
    await deps.experiments.updateRun(state.runId, { status: 'FAILED' });
    expect(await failureOf(prepareRun(deps, state))).toBeInstanceOf(ConflictError);
  });

  it('applies _config.json, with the upload metadata target winning over the file', async () => {
    const small = [
      'a,b,first,second',
      ...Array.from({ length: 60 }, (_, i) => `${i},${i % 7},${i % 2},${i % 3}`),
    ].join('\n');
    const config = JSON.stringify({ target: 'second', folds: 3, seed: 7, testSize: 0.25, models: ['KNN'] });
    const fromFile = setup(small, { 'incoming/site/_config.json': config });
    expect(await prepareRun(fromFile.deps, fromFile.state)).toMatchObject({
      target: 'second',
      testRows: 15,
      config: { folds: 3, seed: 7, models: ['KNN'] },
    });
    const fromMetadata = setup(small, { 'incoming/site/_config.json': config }, { target: 'first' });
    const out = await prepareRun(fromMetadata.deps, fromMetadata.state);
    expect(out.target).toBe('first');
    expect(decodeDataset(await fromMetadata.artifacts.readBytes(out.dataset)).folds).toHaveLength(3);
  });

  it('fails with a RunConfigError naming the field of a bad _config.json', async () => {
    const { deps, state } = setup(csv, { 'incoming/site/_config.json': '{"folds": 1}' });
    const error = await failureOf(prepareRun(deps, state));
    expect(error).toBeInstanceOf(RunConfigError);
    expect(error.message).toMatch(/^_config\.json: folds: /);

    const unknown = setup(csv, { 'incoming/site/_config.json': '{"fold": 3}' });
    expect((await failureOf(prepareRun(unknown.deps, unknown.state))).message).toContain('"fold"');

    const broken = setup(csv, { 'incoming/site/_config.json': '{"folds": 3' });
    const syntax = await failureOf(prepareRun(broken.deps, broken.state));
    expect(syntax.name).toBe('RunConfigError');
    expect(syntax.message).toMatch(/^_config\.json: not valid JSON/);
  });

  it('fails a malformed CSV with the very error prepareCsv gives (what the CLI prints)', async () => {
    const bad = 'a,b,label\n1,2,x\n3,"4,y\n5,6,x\n';
    const expected = await failureOf(prepareCsv(bad));
    const { deps, state, artifacts } = setup(bad);
    const error = await failureOf(prepareRun(deps, state));
    expect(error.name).toBe('DataError');
    expect(expected.name).toBe('DataError');
    expect(error.message).toBe(expected.message);
    expect([...artifacts.objects.keys()].some((k) => k.includes('/runs/'))).toBe(false);

    const ragged = 'a,b,label\n1,2,x\n3,4\n';
    const raggedExpected = await failureOf(prepareCsv(ragged));
    const second = setup(ragged);
    expect((await failureOf(prepareRun(second.deps, second.state))).message).toBe(raggedExpected.message);
  });

  it('refuses to write a holdout when the CSV changes between its two reads', async () => {
    const { deps, state, artifacts } = setup(csv);
    const changing = Object.assign(Object.create(artifacts) as MemoryArtifactStore, {
      reads: 0,
      async stream(ref: ObjectRef) {
        this.reads++;
        if (this.reads === 2) artifacts.put(ref, csv.replace('excavation', 'excavatiom'));
        return artifacts.stream(ref);
      },
    });
    const error = await failureOf(prepareRun({ ...deps, artifacts: changing }, state));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain('changed while the run was preparing it');
  });
});

describe('prepareRun for a retraining', () => {
  const csv = generateConstructionCsv({ rows: 400, seed: 3 });
  const [header, ...extraRows] = generateConstructionCsv({ rows: 30, seed: 4 })
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
  const target = header.length - 1;
  const dropped = header.indexOf('crew_shortfall_pct');
  /** Feedback rows as the feedback function writes them: its own column order, the target last. */
  const order = [...header.keys()].filter((j) => j !== target && j !== dropped).reverse();
  const labelled = (rows: string[][]) =>
    [[...order, target].map((j) => header[j]), ...rows.map((row) => [...order, target].map((j) => row[j]))]
      .map((fields) => `${fields.join(',')}\n`)
      .join('');
  /** The same rows in the dataset's order, the column the feedback lacks left empty. */
  const appended = (rows: string[][]) =>
    rows.map((row) => `${row.map((value, j) => (j === dropped ? '' : value)).join(',')}\n`).join('');

  async function uploadedThenRetrained(files: Record<string, string>) {
    const { deps, state, artifacts } = setup(csv);
    const upload = await prepareRun(deps, state);
    for (const [id, body] of Object.entries(files))
      artifacts.put({ bucket: BUCKET, key: labelledKey('site', id) }, body);
    deps.clock.advance(60_000);
    const retrain: RunState = {
      runId: 'site-drift-0123456789abcdef',
      request: { modelName: 'site', trigger: { kind: 'drift' }, reason: 'drift: test' },
    };
    return { deps, artifacts, upload, retrain };
  }

  it('trains on the latest dataset followed by the labelled feedback, re-emitted in its column order', async () => {
    const first = extraRows.slice(0, 10);
    const second = extraRows.slice(10);
    // Listed by key: "a-…" before "b-…", whatever order they were written in.
    const { deps, artifacts, upload, retrain } = await uploadedThenRetrained({
      'b-later': labelled(second),
      'a-earlier': labelled(first),
    });
    const out = await prepareRun(deps, retrain);
    const combined = csv + appended(first) + appended(second);
    const expected = await prepareCsv(combined, { seed: 42, testSize: 0.2, folds: 5 });
    const decoded = decodeDataset(await artifacts.readBytes(out.dataset));
    expect(Array.from(decoded.train.values)).toEqual(Array.from(expected.train.values));
    expect(Array.from(decoded.test.y)).toEqual(Array.from(expected.test.y));
    expect(out.source).toEqual({
      uri: upload.source.uri,
      digest: createHash('sha256').update(combined).digest('hex'),
      rows: 400 + extraRows.length,
      columns: 17,
    });
    expect(text(artifacts, out.holdout).trimEnd().split('\n')).toHaveLength(out.testRows);
    expect(await artifacts.readJson({ bucket: BUCKET, key: trainingSourceKey(retrain.runId) })).toMatchObject(
      {
        dataset: upload.source.uri,
        labelled: [
          { uri: `s3://${BUCKET}/${labelledKey('site', 'a-earlier')}` },
          { uri: `s3://${BUCKET}/${labelledKey('site', 'b-later')}` },
        ],
        labelledRows: extraRows.length,
        skippedFiles: [],
        digest: out.source.digest,
      },
    );
    expect(await deps.experiments.getRun(retrain.runId)).toMatchObject({
      trigger: { kind: 'drift' },
      dataset: out.source,
    });
  });

  it('without feedback, trains on the very bytes of the upload (same digest, same data)', async () => {
    const { deps, artifacts, upload, retrain } = await uploadedThenRetrained({});
    const out = await prepareRun(deps, retrain);
    expect(out.source).toEqual(upload.source);
    const bytes = Buffer.from(await artifacts.readBytes(out.dataset));
    expect(bytes.equals(Buffer.from(await artifacts.readBytes(upload.dataset)))).toBe(true);
  });

  it('fails rather than write a holdout when a feedback file changes between the two reads', async () => {
    const { deps, artifacts, retrain } = await uploadedThenRetrained({ f: labelled(extraRows.slice(0, 5)) });
    const ref = { bucket: BUCKET, key: labelledKey('site', 'f') };
    const changing = Object.assign(Object.create(artifacts) as MemoryArtifactStore, {
      reads: 0,
      async stream(streamed: ObjectRef) {
        if (streamed.key === ref.key && ++this.reads === 2)
          artifacts.put(ref, labelled(extraRows.slice(5, 10)));
        return artifacts.stream(streamed);
      },
    });
    const error = await failureOf(prepareRun({ ...deps, artifacts: changing }, retrain));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain(
      'with 1 labelled feedback file(s) changed while the run was preparing it',
    );
  });
});
