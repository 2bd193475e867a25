/**
 * startRun on S3 notifications: keys are URL-decoded as S3 encodes them, only CSVs under incoming/ start
 * runs, and a redelivered event starts nothing new.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from './lambda-context.ts';
import { stubLambdaEnv } from './lambda-env.ts';
import { type MemoryDeps, memoryDeps } from './memory-deps.ts';
import { sampleEvent } from './sample-events.ts';

stubLambdaEnv();
const { setDepsForTest } = await import('../../layers/aws/wiring.ts');
const { handler } = await import('../../functions/start-run.ts');

interface S3Record {
  s3: { object: { key: string; eTag?: string } };
}

/** The sample S3 event with its one record's object key (and optionally more) replaced. */
async function uploadEvent(key: string, edit: (record: S3Record) => void = () => {}) {
  const event = (await sampleEvent('start-run')) as { Records: S3Record[] };
  event.Records[0].s3.object.key = key;
  edit(event.Records[0]);
  return event;
}

let deps: MemoryDeps;
beforeEach(() => {
  deps = memoryDeps();
  setDepsForTest(deps);
});

describe('startRun', () => {
  it('starts the run of the sample upload with the request the state machine receives', async () => {
    const prep = await sampleEvent('prep');
    const result = await handler(await sampleEvent('start-run'), lambdaContext('startRun'));
    expect(result.records).toEqual([
      {
        key: 'incoming/construction/site log 2026.csv',
        runId: prep.runId,
        executionArn: expect.stringContaining(String(prep.runId)),
        started: true,
      },
    ]);
    const input = deps.orchestrator.executions.get(String(prep.runId));
    expect(JSON.parse(input ?? 'null')).toEqual(prep.request);
    expect((await deps.experiments.getRun(String(prep.runId)))?.status).toBe('PENDING');
  });

  it('starts nothing new when S3 delivers the same event again', async () => {
    const event = await sampleEvent('start-run');
    await handler(event, lambdaContext('startRun'));
    const again = await handler(event, lambdaContext('startRun'));
    expect(again.records).toMatchObject([{ started: false }]);
    expect(deps.orchestrator.executions.size).toBe(1);
  });

  it('decodes keys with spaces and UTF-8 as S3 encodes them', async () => {
    const event = await uploadEvent('incoming/caf%C3%A9/donn%C3%A9es+2026+%2B+v2.csv');
    const result = await handler(event, lambdaContext('startRun'));
    expect(result.records).toMatchObject([{ key: 'incoming/café/données 2026 + v2.csv', started: true }]);
    const [input] = [...deps.orchestrator.executions.values()];
    expect(JSON.parse(input)).toMatchObject({
      modelName: 'café',
      trigger: { key: 'incoming/café/données 2026 + v2.csv' },
    });
  });

  it.each([
    ['incoming/construction/_config.json'],
    ['models/construction/1/model.json'],
    ['runs/r1/results/manifest.csv'],
  ])('skips %s: only CSVs under incoming/ start runs', async (key) => {
    const result = await handler(await uploadEvent(key), lambdaContext('startRun'));
    expect(result.records).toEqual([{ key, skipped: expect.stringContaining(key) }]);
    expect(deps.orchestrator.executions.size).toBe(0);
    expect(await deps.experiments.listRuns()).toEqual([]);
  });

  it('refuses a key that is not URL-encoded, naming the record', async () => {
    await expect(
      handler(await uploadEvent('incoming/x/%E0%A4%A.csv'), lambdaContext('startRun')),
    ).rejects.toMatchObject({ name: 'InvalidEventError', context: { field: 'Records[0].s3.object.key' } });
  });

  it('refuses a record without an eTag, naming the field', async () => {
    const event = await uploadEvent('incoming/x/data.csv', (record) => {
      delete record.s3.object.eTag;
    });
    await expect(handler(event, lambdaContext('startRun'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'Records[0].s3.object.eTag' },
    });
  });
});
