/**
 * batchTransform on S3 notifications: keys URL-decoded as S3 sends them, every record of an invocation
 * processed, outputs and other buckets skipped, a failed file failing the invocation after the others,
 * and the transform stopped (with its FAILED summary written) before the Lambda deadline.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../layers/core/demo/construction-schedule.ts';
import {
  buildModelDocument,
  loadModelDocument,
  sha256Hex,
} from '../../layers/core/pipeline/model-document.ts';
import { prepareCsv } from '../../layers/ml/data/prepare.ts';
import { createModel } from '../../layers/ml/models/registry.ts';
import { lambdaContext } from './lambda-context.ts';
import { stubLambdaEnv } from './lambda-env.ts';
import { type MemoryDeps, memoryDeps } from './memory-deps.ts';
import { sampleEvent } from './sample-events.ts';

stubLambdaEnv();
const { setDepsForTest } = await import('../../layers/aws/wiring.ts');
const { handler, STOP_BEFORE_DEADLINE_MS } = await import('../../functions/batch-transform.ts');

interface S3Record {
  eventName: string;
  s3: { bucket: { name: string }; object: { key: string } };
}

/** The sample event with one record per key (copies of its record). */
async function eventFor(...keys: string[]) {
  const event = (await sampleEvent('batch-transform')) as { Records: S3Record[] };
  const [template] = event.Records;
  event.Records = keys.map((key) => {
    const record = structuredClone(template);
    record.s3.object.key = key;
    return record;
  });
  return event;
}

let documentBytes: Uint8Array;
const csv = generateConstructionCsv({ rows: 500, seed: 4 });

beforeAll(async () => {
  const prepared = await prepareCsv(generateConstructionCsv({ rows: 300, seed: 2 }), { seed: 1 });
  const model = createModel('DecisionTree', { max_depth: 4 }, 1);
  model.fit(prepared.train);
  documentBytes = buildModelDocument({
    algorithm: 'DecisionTree',
    params: { max_depth: 4 },
    preprocessor: prepared.preprocessor.toJSON(),
    model: model.toJSON(),
    metrics: { testAccuracy: 0.8, cvAccuracy: 0.8, cvStd: 0.01 },
    runId: 'run-1',
  });
});

let deps: MemoryDeps;

beforeEach(async () => {
  deps = memoryDeps();
  setDepsForTest(deps);
  const artifact = { bucket: deps.bucket, key: 'models/construction/1/model.json' };
  deps.artifacts.put(artifact, documentBytes);
  const loaded = loadModelDocument(documentBytes);
  loaded.classifier.dispose();
  const record = await deps.registry.createVersion({
    modelName: 'construction',
    algorithm: 'DecisionTree',
    params: { max_depth: 4 },
    artifact: {
      uri: `s3://${artifact.bucket}/${artifact.key}`,
      sha256: sha256Hex(documentBytes),
      size: documentBytes.length,
    },
    signature: loaded.signature,
    metrics: { testAccuracy: 0.8, cvAccuracy: 0.8, cvStd: 0.01 },
    lineage: {
      runId: 'run-1',
      trigger: 'upload',
      dataset: { uri: `s3://${artifact.bucket}/incoming/construction/a.csv`, digest: 'd' },
      codeVersion: '0.1.0',
    },
  });
  await deps.registry.moveAlias({
    modelName: 'construction',
    alias: 'champion',
    version: record.version,
    expectedRevision: undefined,
    reason: 'test',
    actor: 'test',
  });
});

const put = (key: string, body: string) => deps.artifacts.put({ bucket: deps.bucket, key }, body);
const stored = (key: string) => deps.artifacts.objects.get(`s3://${deps.bucket}/${key}`);

function summary(key: string): Record<string, unknown> {
  const found = stored(key);
  return JSON.parse(new TextDecoder().decode(found?.bytes)) as Record<string, unknown>;
}

describe('batchTransform', () => {
  it('scores the sample upload (its key URL-decoded) into batch/<model>/out/', async () => {
    put('batch/construction/in/site log march.csv', csv);
    const result = await handler(await sampleEvent('batch-transform'), lambdaContext('batchTransform'));
    expect(result.records).toEqual([
      expect.objectContaining({
        key: 'batch/construction/in/site log march.csv',
        status: 'SUCCEEDED',
        version: 1,
        rows: 500,
        predicted: 500,
        failed: 0,
      }),
    ]);
    const output = new TextDecoder().decode(stored('batch/construction/out/site log march.csv')?.bytes);
    expect(output.trimEnd().split('\n')).toHaveLength(501);
    expect(summary('batch/construction/out/site log march.summary.json')).toMatchObject({
      status: 'SUCCEEDED',
      predicted: 500,
    });
    expect(deps.metrics.points).toEqual([
      { name: 'BatchRowsPredicted', unit: 'Count', value: 500, dimensions: { model: 'construction' } },
      { name: 'BatchRowsFailed', unit: 'Count', value: 0, dimensions: { model: 'construction' } },
    ]);
  });

  it('processes every record and skips its own outputs, other events and other buckets', async () => {
    put('batch/construction/in/a.csv', csv);
    put('batch/construction/in/b.csv', csv);
    const event = await eventFor(
      'batch/construction/in/a.csv',
      'batch/construction/out/a.csv',
      'batch/construction/in/b.csv',
      'batch/construction/in/c.csv',
      'batch/construction/in/d.csv',
    );
    event.Records[3].eventName = 'ObjectRemoved:Delete';
    event.Records[4].s3.bucket.name = 'someone-elses-bucket';
    const result = await handler(event, lambdaContext('batchTransform'));
    expect(result.records).toEqual([
      expect.objectContaining({ key: 'batch/construction/in/a.csv', status: 'SUCCEEDED' }),
      { key: 'batch/construction/out/a.csv', skipped: expect.stringContaining('batch/<model>/in/') },
      expect.objectContaining({ key: 'batch/construction/in/b.csv', status: 'SUCCEEDED' }),
      { key: 'batch/construction/in/c.csv', skipped: expect.stringContaining('ObjectRemoved:Delete') },
      { key: 'batch/construction/in/d.csv', skipped: expect.stringContaining('not the data bucket') },
    ]);
  });

  it('fails the invocation when a file fails, after transforming the other records', async () => {
    put('batch/construction/in/bad.csv', 'activity_type,colour\nroofing,red\n');
    put('batch/construction/in/good.csv', csv);
    const event = await eventFor('batch/construction/in/bad.csv', 'batch/construction/in/good.csv');
    await expect(handler(event, lambdaContext('batchTransform'))).rejects.toMatchObject({
      name: 'BatchTransformError',
      message: expect.stringContaining('"colour"'),
    });
    expect(summary('batch/construction/out/bad.summary.json')).toMatchObject({ status: 'FAILED' });
    expect(summary('batch/construction/out/good.summary.json')).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('names every failed file when several fail', async () => {
    put('batch/construction/in/x.csv', 'colour\nred\n');
    put('batch/construction/in/y.csv', 'colour\nblue\n');
    const event = await eventFor('batch/construction/in/x.csv', 'batch/construction/in/y.csv');
    await expect(handler(event, lambdaContext('batchTransform'))).rejects.toMatchObject({
      name: 'BatchTransformError',
      message: '2 of 2 files failed: batch/construction/in/x.csv, batch/construction/in/y.csv',
    });
  });

  it(`stops ${STOP_BEFORE_DEADLINE_MS} ms before the deadline and writes the FAILED summary`, async () => {
    put('batch/construction/in/late.csv', csv);
    const event = await eventFor('batch/construction/in/late.csv');
    const context = lambdaContext('batchTransform', STOP_BEFORE_DEADLINE_MS - 1_000);
    await expect(handler(event, context)).rejects.toMatchObject({ name: 'BatchTransformError' });
    expect(summary('batch/construction/out/late.summary.json')).toMatchObject({
      status: 'FAILED',
      reason: expect.stringContaining('before the Lambda deadline'),
    });
  });

  it('refuses a key that is not URL-encoded, naming the record', async () => {
    const event = await eventFor('batch/construction/in/ok.csv', 'batch/x/in/%E0%A4%A.csv');
    await expect(handler(event, lambdaContext('batchTransform'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'Records[1].s3.object.key' },
    });
  });
});
