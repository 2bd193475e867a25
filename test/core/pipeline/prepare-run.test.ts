import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import { ConflictError, RunConfigError } from '../../../layers/core/errors.ts';
import { prepareRun, type RunState } from '../../../layers/core/pipeline/prepare-run.ts';
import { DEFAULT_RUN_CONFIG } from '../../../layers/core/pipeline/run-config.ts';
import type { ObjectRef } from '../../../layers/core/ports.ts';
import { decodeDataset } from '../../../layers/ml/data/dataset-binary.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
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
