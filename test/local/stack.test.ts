import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { startLocalStack } from '../../local/stack.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/app', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'synergy-stack-'));
const lines: string[] = [];
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    root: FIXTURE,
    stateDir,
    faults: true,
    log: (line) => lines.push(line),
    notificationRetryDelaysMs: [10, 10],
    waitTimeScale: 0.01,
  });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

async function runMachine(input: unknown, name: string) {
  const { sfn } = stack.clients;
  const [machine] = stack.config.stateMachines;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machine.arn, name, input: JSON.stringify(input) }),
  );
  await stack.settled();
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

describe('the local stack of the fixture service', () => {
  it('publishes its endpoints and creates the buckets and tables of the config', async () => {
    const published = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8'));
    const { http, ...endpoints } = stack.endpoints;
    expect(published).toEqual({ ...endpoints, api: http });
    expect(stack.endpoints).toMatchObject({ bucket: 'fixture-local-data', region: 'eu-west-1' });
    for (const { name } of stack.config.buckets) {
      await expect(stack.clients.s3.send(new HeadBucketCommand({ Bucket: name }))).resolves.toBeDefined();
    }
    const { Table } = await stack.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: 'fixture-local-items' }),
    );
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
  });

  it('invokes the subscribed function for a matching upload only, its output in its log file', async () => {
    const { s3 } = stack.clients;
    await s3.send(
      new PutObjectCommand({ Bucket: stack.endpoints.bucket, Key: 'incoming/my data.csv', Body: 'a\n1\n' }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: stack.endpoints.bucket, Key: 'other/x.csv', Body: 'a\n1\n' }),
    );
    await stack.settled();
    expect(stack.notifications.deliveries()).toEqual([
      expect.objectContaining({ functionKey: 'echo', key: 'incoming/my data.csv', ok: true, attempts: 1 }),
    ]);
    expect(readFileSync(stack.logFile('echo'), 'utf8')).toMatch(/^echo invocation 1$/m);
  });

  it('runs a state machine whose tasks reach the local services through the endpoint env', async () => {
    const described = await runMachine({ items: [{ n: 1 }, { n: 2 }] }, 'smoke');
    expect(described.status).toBe('SUCCEEDED');
    const output = JSON.parse(described.output ?? 'null') as {
      env: Record<string, string>;
      event: unknown;
    }[];
    expect(output.map((item) => item.event)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(output[0].env).toMatchObject({
      AWS_ENDPOINT_URL_S3: stack.endpoints.s3,
      TABLE_NAME: 'fixture-local-items',
      AWS_LAMBDA_FUNCTION_NAME: 'fixture-local-echo',
    });
  });

  it('lets a test inject a Lambda service fault into a task', async () => {
    const fault = stack.faults!.add({
      functionKey: 'echo',
      when: (event) => (event as { n?: number }).n === 2,
      error: { name: 'Lambda.ServiceException', message: 'injected by the test' },
    });
    const described = await runMachine({ items: [{ n: 1 }, { n: 2 }] }, 'faulty');
    expect(fault.fired).toBe(1);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('Lambda.ServiceException');
  });

  it('stops within two seconds and removes its endpoints file', async () => {
    const s3 = stack.endpoints.s3;
    const started = performance.now();
    await stack.stop();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);
    await expect(fetch(s3)).rejects.toThrow();
  });
});
