import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import type { S3Notification } from '../../local/s3-notifications.ts';
import { encodeS3EventKey, S3Notifications } from '../../local/s3-notifications.ts';
import type { S3EventRecordLike } from '../../local/services/s3.ts';
import { startS3 } from '../../local/services/s3.ts';

const BUCKET = 'data-bucket';
const functions = [
  {
    key: 'startRun',
    name: 'svc-local-startRun',
    s3Events: [{ bucket: BUCKET, event: 's3:ObjectCreated:*', prefix: 'incoming/', suffix: '.csv' }],
  },
  {
    key: 'onDelete',
    name: 'svc-local-onDelete',
    s3Events: [{ bucket: BUCKET, event: 's3:ObjectRemoved:*' }],
  },
  {
    key: 'onPutOnly',
    name: 'svc-local-onPutOnly',
    s3Events: [{ bucket: 'other', event: 's3:ObjectCreated:Put' }],
  },
];

/** An event as s3rver emits it (see local/services/s3.ts). */
function s3rverRecord(
  key: string,
  eventName: S3EventRecordLike['eventName'] = 'ObjectCreated:Put',
  bucket = BUCKET,
): S3EventRecordLike {
  return {
    eventVersion: '2.0',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-01-02T03:04:05.000Z',
    eventName,
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'R1' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'testConfigId',
      bucket: { name: bucket, ownerIdentity: { principalId: 'OWNER' }, arn: `arn:aws:s3: : :${bucket}` },
      object: { key, size: 7, eTag: 'abc123', sequencer: '1' },
    },
  };
}

function router(
  behaviour: (functionKey: string, event: S3Notification) => Promise<unknown> = async () => null,
) {
  const calls: { functionKey: string; event: S3Notification }[] = [];
  const lines: string[] = [];
  const notifications = new S3Notifications({
    functions,
    region: 'eu-west-1',
    invoke: (functionKey, event) => {
      calls.push({ functionKey, event });
      return behaviour(functionKey, event);
    },
    retryDelaysMs: [5, 5],
    log: (line) => lines.push(line),
  });
  return { notifications, calls, lines };
}

const decode = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

describe('encodeS3EventKey', () => {
  it('form-encodes each segment as S3 does: spaces as +, UTF-8 and reserved characters %-encoded, / kept', () => {
    expect(encodeS3EventKey('incoming/my model/data é (1).csv')).toBe(
      'incoming/my+model/data+%C3%A9+%281%29.csv',
    );
    expect(encodeS3EventKey('a+b/c&d=e~f!g*h')).toBe('a%2Bb/c%26d%3De%7Ef%21g*h');
  });

  it('round-trips through the decoding handlers use', () => {
    for (const key of [
      'incoming/my model/data é (1).csv',
      'a+b/c d',
      'x/日本語 ファイル.csv',
      "it's/100%.csv",
    ]) {
      expect(decode(encodeS3EventKey(key))).toBe(key);
    }
  });
});

describe('S3Notifications', () => {
  it('delivers to the functions whose bucket, event type and prefix/suffix rules match', async () => {
    const { notifications, calls } = router();
    notifications.publish(s3rverRecord('incoming/iris/data.csv'));
    notifications.publish(s3rverRecord('incoming/iris/_config.json'));
    notifications.publish(s3rverRecord('models/iris/1/model.json'));
    notifications.publish(s3rverRecord('elsewhere/incoming/x.csv'));
    notifications.publish(s3rverRecord('incoming/iris/data.csv', 'ObjectRemoved:Delete'));
    notifications.publish(s3rverRecord('incoming/x.csv', 'ObjectCreated:Copy', 'other'));
    notifications.publish(s3rverRecord('incoming/y.csv', 'ObjectCreated:Put', 'other'));
    await notifications.drain();
    expect(
      calls.map((call) => [
        call.functionKey,
        call.event.Records[0].s3.object.key,
        call.event.Records[0].eventName,
      ]),
    ).toEqual([
      ['startRun', 'incoming/iris/data.csv', 'ObjectCreated:Put'],
      ['onDelete', 'incoming/iris/data.csv', 'ObjectRemoved:Delete'],
      ['onPutOnly', 'incoming/y.csv', 'ObjectCreated:Put'],
    ]);
  });

  it("builds AWS's record: encoded key, this region, the subscription's id, a growing sequencer", async () => {
    const { notifications, calls } = router();
    notifications.publish(s3rverRecord('incoming/my model/data é.csv'));
    notifications.publish(s3rverRecord('incoming/second.csv'));
    await notifications.drain();
    const [first, second] = calls.map((call) => call.event.Records[0]);
    expect(calls[0].event.Records).toHaveLength(1);
    expect(first).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        configurationId: 'svc-local-startRun-s3-1',
        bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
        object: { key: 'incoming/my+model/data+%C3%A9.csv', size: 7, eTag: 'abc123' },
      },
    });
    expect(first.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
    expect(BigInt(`0x${second.s3.object.sequencer}`)).toBeGreaterThan(
      BigInt(`0x${first.s3.object.sequencer}`),
    );
  });

  it('delivers one event N times, identical, for tests of at-least-once handling', async () => {
    const { notifications, calls } = router();
    expect(notifications.publish(s3rverRecord('incoming/a.csv'), { times: 3 })).toBe(3);
    notifications.deliveriesPerEvent = 2;
    notifications.onS3Event(s3rverRecord('incoming/b.csv'));
    await notifications.drain();
    const keys = calls.map((call) => call.event.Records[0].s3.object.key);
    expect(keys).toEqual([
      'incoming/a.csv',
      'incoming/a.csv',
      'incoming/a.csv',
      'incoming/b.csv',
      'incoming/b.csv',
    ]);
    expect(calls[1].event).toEqual(calls[0].event);
  });

  it('retries a failed delivery twice, like an asynchronous Lambda invoke', async () => {
    let attempts = 0;
    const { notifications, lines } = router(async () => {
      attempts++;
      if (attempts < 3) throw Object.assign(new Error('busy'), { name: 'Lambda.TooManyRequestsException' });
    });
    notifications.publish(s3rverRecord('incoming/a.csv'));
    await notifications.drain();
    expect(notifications.deliveries()).toEqual([
      {
        functionKey: 'startRun',
        bucket: BUCKET,
        key: 'incoming/a.csv',
        eventName: 'ObjectCreated:Put',
        attempts: 3,
        ok: true,
      },
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('attempt 1 failed (Lambda.TooManyRequestsException: busy); retrying in 5 ms');
  });

  it('gives up after three attempts and says so', async () => {
    const { notifications, calls, lines } = router(async () => {
      throw Object.assign(new Error('no such run'), { name: 'DataError' });
    });
    notifications.publish(s3rverRecord('incoming/a.csv'));
    await notifications.drain();
    expect(calls).toHaveLength(3);
    expect(notifications.deliveries()[0]).toMatchObject({
      attempts: 3,
      ok: false,
      error: 'DataError: no such run',
    });
    expect(lines.at(-1)).toBe(
      's3 notification ObjectCreated:Put s3://data-bucket/incoming/a.csv → startRun: gave up after 3 attempts (DataError: no such run)',
    );
  });

  it('cancels pending retries when closed', async () => {
    const notifications = new S3Notifications({
      functions,
      region: 'eu-west-1',
      invoke: async () => {
        throw new Error('down');
      },
      retryDelaysMs: [60_000, 60_000],
    });
    notifications.publish(s3rverRecord('incoming/a.csv'));
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await notifications.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(notifications.deliveries()[0]).toMatchObject({ attempts: 1, ok: false });
    expect(notifications.publish(s3rverRecord('incoming/b.csv'))).toBe(0);
  });
});

describe('S3Notifications on s3rver', () => {
  const directory = mkdtempSync(join(tmpdir(), 'synergy-s3n-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('turns a real upload with spaces and unicode into an encoded notification', async () => {
    const { notifications, calls } = router();
    const s3 = await startS3({ directory, buckets: [BUCKET], onEvent: notifications.onS3Event });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      const key = 'incoming/déjà vu/2024 data.csv';
      const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'a,b\n1,2\n' }));
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/notes.txt', Body: 'x' }));
      await notifications.drain();
      expect(calls).toHaveLength(1);
      const { object } = calls[0].event.Records[0].s3;
      expect(object).toMatchObject({ key: 'incoming/d%C3%A9j%C3%A0+vu/2024+data.csv', size: 8 });
      expect(`"${object.eTag}"`).toBe(put.ETag);
      expect(decode(object.key)).toBe(key);
    } finally {
      client.destroy();
      await s3.stop();
    }
  });
});
