/**
 * The feedback function on S3 notifications: a CSV at feedback/<model>/… (its key URL-decoded as S3 sends
 * it) is joined with the captured predictions into live accuracy, recall and labelled rows; other keys,
 * events and buckets are skipped; a bad file fails the invocation after the other records, naming it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeedbackDeps } from '../../layers/core/monitoring/feedback.ts';
import {
  BUCKET,
  capturedRow,
  MODEL,
  MonitorHarness,
  NOW,
  trainingBaseline,
} from '../core/monitoring/monitor-fixture.ts';
import { lambdaContext } from './lambda-context.ts';
import { stubMonitoringEnv } from './lambda-env.ts';

stubMonitoringEnv();
vi.stubEnv('DATA_BUCKET', BUCKET);
const { setMonitoringDepsForTest } = await import('../../layers/aws/monitoring-wiring.ts');
const { handler } = await import('../../functions/feedback.ts');

/** An S3 notification as S3 sends it: keys URL-encoded with spaces as '+'. */
function s3Event(...records: Array<{ key: string; eventName?: string; bucket?: string }>) {
  return {
    Records: records.map(({ key, eventName = 'ObjectCreated:Put', bucket = BUCKET }) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: NOW.toISOString(),
      eventName,
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'feedback',
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: {
          key: encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+'),
          size: 100,
          eTag: '0123456789abcdef0123456789abcdef',
        },
      },
    })),
  };
}

let harness: MonitorHarness;

/** Ten captured predictions: requests req-0…req-9, x1 = ±1 so the first five are `yes`, the rest `no`. */
function captureTenPredictions(): string[] {
  const rows = Array.from({ length: 10 }, (_, n) =>
    capturedRow({ x1: n < 5 ? 1 : -1, x2: 5, color: 'red' }, new Date(NOW.getTime() - 3_600_000), n),
  );
  harness.writeCapture(rows, new Date(NOW.getTime() - 3_500_000));
  return rows.map((row) => String(row.prediction));
}

beforeEach(async () => {
  harness = new MonitorHarness();
  const deps: FeedbackDeps = { ...harness.deps(), lookbackDays: 7 };
  setMonitoringDepsForTest({ feedback: deps });
  await harness.registerChampion(trainingBaseline(500));
});

afterEach(() => setMonitoringDepsForTest(undefined));

const putFeedback = (key: string, body: string) => harness.artifacts.put({ bucket: BUCKET, key }, body);

describe('feedback', () => {
  it('joins a feedback upload (its key URL-decoded) with the captured predictions', async () => {
    const predictions = captureTenPredictions();
    // Seven labels agree with the prediction, three do not; one more row names an unknown request.
    const actual = predictions.map((prediction, n) =>
      n < 7 ? prediction : prediction === 'yes' ? 'no' : 'yes',
    );
    const csv = ['request_id,late', ...actual.map((label, n) => `req-${n},${label}`), 'req-unknown,yes'].join(
      '\n',
    );
    putFeedback('feedback/flights/week 10.csv', `${csv}\n`);

    const result = await handler(s3Event({ key: 'feedback/flights/week 10.csv' }), lambdaContext('feedback'));
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({
      key: 'feedback/flights/week 10.csv',
      model: MODEL,
      rows: 11,
      matched: 10,
      unmatched: 1,
      accuracy: 0.7,
    });
    const accuracy = harness.metrics.points.filter((point) => point.name === 'LiveAccuracy');
    expect(accuracy).toEqual([
      { name: 'LiveAccuracy', unit: 'None', value: 0.7, dimensions: { model: MODEL } },
    ]);
    expect(harness.alarms.definitions.has('synergy-test-flights-accuracy')).toBe(true);
    const labelled = (result.records[0] as { labelledUri?: string }).labelledUri;
    expect(labelled).toMatch(new RegExp(`^s3://${BUCKET}/monitoring/flights/labelled/`));
    expect(harness.artifacts.objects.has(labelled ?? '')).toBe(true);
  });

  it('skips other keys, other events and other buckets, with the reason', async () => {
    captureTenPredictions();
    putFeedback('feedback/flights/a.csv', 'request_id,late\nreq-0,yes\n');
    const event = s3Event(
      { key: 'feedback/flights/a.csv' },
      { key: 'feedback/flights/notes.txt' },
      { key: 'feedback/a.csv' },
      { key: 'feedback/flights/b.csv', eventName: 'ObjectRemoved:Delete' },
      { key: 'feedback/flights/c.csv', bucket: 'someone-elses-bucket' },
    );
    const result = await handler(event, lambdaContext('feedback'));
    expect(result.records).toEqual([
      expect.objectContaining({ key: 'feedback/flights/a.csv', matched: 1, accuracy: 1 }),
      { key: 'feedback/flights/notes.txt', skipped: expect.stringContaining('feedback/<model>/<file>.csv') },
      { key: 'feedback/a.csv', skipped: expect.stringContaining('feedback/<model>/<file>.csv') },
      { key: 'feedback/flights/b.csv', skipped: expect.stringContaining('ObjectRemoved:Delete') },
      { key: 'feedback/flights/c.csv', skipped: expect.stringContaining('not the data bucket') },
    ]);
  });

  it('fails the invocation on a bad file after recording the others', async () => {
    captureTenPredictions();
    putFeedback('feedback/flights/bad.csv', 'request_id,colour\nreq-0,red\n');
    putFeedback('feedback/flights/good.csv', 'request_id,late\nreq-0,yes\n');
    const event = s3Event({ key: 'feedback/flights/bad.csv' }, { key: 'feedback/flights/good.csv' });
    await expect(handler(event, lambdaContext('feedback'))).rejects.toMatchObject({
      name: 'DataError',
      message: expect.stringContaining('no label column'),
    });
    expect(harness.metrics.points.filter((point) => point.name === 'FeedbackRows')).toHaveLength(1);
  });

  it('names every failed file when several fail', async () => {
    const event = s3Event({ key: 'feedback/flights/x.csv' }, { key: 'feedback/flights/y.csv' });
    await expect(handler(event, lambdaContext('feedback'))).rejects.toMatchObject({
      name: 'FeedbackFilesError',
      message: '2 feedback files failed: feedback/flights/x.csv, feedback/flights/y.csv',
    });
  });

  it('refuses a key that is not URL-encoded, naming the record', async () => {
    const event = s3Event({ key: 'feedback/flights/ok.csv' }, { key: 'feedback/flights/x.csv' });
    event.Records[1].s3.object.key = 'feedback/flights/%E0%A4%A.csv';
    await expect(handler(event, lambdaContext('feedback'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'Records[1].s3.object.key' },
    });
  });
});
