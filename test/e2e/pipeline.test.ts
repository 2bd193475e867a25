/**
 * The serverless pipeline end to end on the embedded stack: real serverless.yml, real state machine,
 * the bundled handlers in Lambda sandboxes, s3rver and dynalite over their wire protocols.
 */
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScheduleAdherenceCsv } from '../../layers/core/demo/schedule-adherence.ts';
import { prepareCsv } from '../../layers/ml/data/prepare.ts';
import { MlError } from '../../layers/ml/errors.ts';
import { type Harness, SMALL_CONFIG, startHarness } from './stack-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

const csv = (seed: number, rows = 240) => generateScheduleAdherenceCsv({ rows, seed });

async function configure(dataset: string, config: unknown = SMALL_CONFIG): Promise<void> {
  await h.upload(`incoming/${dataset}/_config.json`, JSON.stringify(config));
}

describe('upload → run → registry', () => {
  it('registers version 1 as champion with lineage, then version 2 promoted only if better', async () => {
    await configure('sched');
    const first = await h.runUpload('sched', 'a.csv', csv(1), { target: 'on_time' });
    expect(first.error).toBeUndefined();
    expect(first.status).toBe('SUCCEEDED');
    expect(first.result?.modelVersion).toBe(1);
    expect(first.result?.promoted).toBe(true);

    const v1 = await h.registry.getVersion('sched', 1);
    expect(v1?.lineage.runId).toBe(first.runId);
    expect(v1?.lineage.trigger).toBe('upload');
    expect(v1?.lineage.dataset.uri).toBe(`s3://${h.bucket}/incoming/sched/a.csv`);
    expect(v1?.lineage.dataset.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(v1?.artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v1?.signature.target).toBe('on_time');
    expect((await h.registry.getAlias('sched', 'champion'))?.version).toBe(1);

    const second = await h.runUpload('sched', 'b.csv', csv(2));
    expect(second.status).toBe('SUCCEEDED');
    expect(second.result?.modelVersion).toBe(2);
    const champion = await h.registry.getAlias('sched', 'champion');
    expect(champion?.version).toBe(second.result?.promoted ? 2 : 1);
    const audit = await h.registry.listAudit('sched');
    const moves = audit.filter((a) => a.action === 'AliasMoved' && a.alias === 'champion');
    expect(moves.map((m) => m.version)).toEqual(second.result?.promoted ? [1, 2] : [1]);
    // The gate's reason names both accuracies on the new holdout.
    if (moves.length === 2) expect(moves[1].reason).toMatch(/\d\.\d+/);
  }, 240_000);

  it('an S3 event delivered 20 times starts one execution', async () => {
    await configure('dup');
    const key = 'incoming/dup/x.csv';
    const etag = await h.upload(key, csv(3));
    const record = {
      eventVersion: '2.1',
      eventSource: 'aws:s3' as const,
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put' as const,
      userIdentity: { principalId: 'test' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: {},
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'test',
        bucket: { name: h.bucket, ownerIdentity: { principalId: 'test' }, arn: `arn:aws:s3:::${h.bucket}` },
        object: { key, size: 1, eTag: etag.replaceAll('"', ''), sequencer: '0' },
      },
    };
    expect(h.stack.notifications.publish(record, { times: 19 })).toBe(19);
    const run = await h.waitForRun('dup', key, etag);
    await h.stack.notifications.drain();
    expect(run.status).toBe('SUCCEEDED');
    const runs = (await h.experiments.listRuns({ modelName: 'dup' })).filter(
      (r) => r.trigger.kind === 'upload',
    );
    expect(runs).toHaveLength(1);
    const executions = await h.stack.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: h.stack.config.stateMachines[0].arn }),
    );
    expect(executions.executions?.filter((e) => e.name === run.runId)).toHaveLength(1);
  }, 240_000);

  it('5 uploads at once make 5 runs with unique, gapless versions', async () => {
    await configure('burst', { ...SMALL_CONFIG, models: ['LogisticRegression'] });
    const keys = [0, 1, 2, 3, 4].map((i) => `incoming/burst/part-${i}.csv`);
    const etags = await Promise.all(keys.map((key, i) => h.upload(key, csv(10 + i, 150))));
    const runs = await Promise.all(keys.map((key, i) => h.waitForRun('burst', key, etags[i])));
    expect(runs.map((r) => r.status)).toEqual(Array(5).fill('SUCCEEDED'));
    expect(new Set(runs.map((r) => r.runId)).size).toBe(5);
    const versions = runs.map((r) => r.result?.modelVersion).sort();
    expect(versions).toEqual([1, 2, 3, 4, 5]);
    const registered = await h.registry.listVersions('burst');
    expect(registered.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
  }, 300_000);
});

describe('failures', () => {
  it('a transient Lambda failure in one cell is retried and the run succeeds', async () => {
    await configure('flaky');
    const fault = h.stack.faults?.add({
      functionKey: 'train',
      times: 1,
      when: (event) => JSON.stringify(event).includes('"kind":"cv"'),
      error: { name: 'Lambda.ServiceException', message: 'injected: service unavailable' },
    });
    const run = await h.runUpload('flaky', 'a.csv', csv(4));
    expect(fault?.fired).toBe(1);
    expect(run.status).toBe('SUCCEEDED');
  }, 240_000);

  it('a permanent cell failure fails the run with its cause, writes nothing to the registry', async () => {
    await configure('broken');
    const seeded = await h.runUpload('broken', 'good.csv', csv(5));
    expect(seeded.status).toBe('SUCCEEDED');
    const before = await h.registry.listVersions('broken');
    const champion = await h.registry.getAlias('broken', 'champion');

    const fault = h.stack.faults?.add({
      functionKey: 'train',
      times: 1000,
      when: (event) => JSON.stringify(event).includes('"kind":"cv"'),
      error: { name: 'CellCrashed', message: 'injected: the cell always fails' },
    });
    const run = await h.runUpload('broken', 'bad.csv', csv(6));
    fault?.remove();
    expect(run.status).toBe('FAILED');
    expect(run.error?.message).toMatch(/CellCrashed|injected: the cell always fails/);
    expect(await h.registry.listVersions('broken')).toEqual(before);
    expect(await h.registry.getAlias('broken', 'champion')).toEqual(champion);
  }, 240_000);

  it('a malformed CSV fails the run with the same reason the CLI gives', async () => {
    await configure('malformed');
    const bad = 'a,b,label\n1,2,x\n3,oops,y\n4,5\n';
    const expected = await prepareCsv(bad).then(
      () => undefined,
      (error: unknown) => (error instanceof MlError ? error : undefined),
    );
    expect(expected).toBeDefined();
    const run = await h.runUpload('malformed', 'bad.csv', bad);
    expect(run.status).toBe('FAILED');
    expect(run.error?.name).toBe(expected?.name);
    expect(run.error?.message).toBe(expected?.message);
    expect(await h.registry.listVersions('malformed')).toEqual([]);
  }, 120_000);

  it('a bad _config.json fails the run naming the field', async () => {
    await configure('badconfig', { models: ['LogisticRegression'], folds: 1 });
    const run = await h.runUpload('badconfig', 'a.csv', csv(7));
    expect(run.status).toBe('FAILED');
    expect(run.error?.name).toBe('RunConfigError');
    expect(run.error?.message).toMatch(/folds/);
  }, 120_000);
});
