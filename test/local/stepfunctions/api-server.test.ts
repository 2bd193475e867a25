/**
 * The Step Functions API stand-in driven by the real @aws-sdk/client-sfn: StartExecution's idempotency
 * and ExecutionAlreadyExists, Describe/List/History (pagination, reverse order, epoch-second dates),
 * state machines, StopExecution, and AWS-shaped errors.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepFunctionsApi } from '../../../local/stepfunctions/api-server.ts';
import { ExecutionEngine } from '../../../local/stepfunctions/engine.ts';
import { FakeLambdaInvoker, resolveFunctionKey } from './support/fake-invoker.ts';
import { ACCOUNT, machineSpec, REGION } from './support/local-aws.ts';

const spec = machineSpec('api-machine', {
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Task', Resource: { 'Fn::GetAtt': ['hold', 'Arn'] }, ResultPath: '$.held', End: true },
  },
});

/** `hold` stays in flight until its execution's input says otherwise or release() is called. */
const waiting = new Map<string, () => void>();
function release(name: string): void {
  waiting.get(name)?.();
}

let engine: ExecutionEngine;
let api: Awaited<ReturnType<typeof startStepFunctionsApi>>;
let sfn: SFNClient;

beforeAll(async () => {
  engine = new ExecutionEngine({
    stateMachines: [spec],
    invoker: new FakeLambdaInvoker({
      hold: (event) => {
        const { key, wait } = event as { key: string; wait?: boolean };
        if (!wait) return { key };
        return new Promise((resolve) => waiting.set(key, () => resolve({ key })));
      },
    }),
    resolveFunction: resolveFunctionKey,
    s3: new S3Client({ region: REGION }),
    stateDir: await mkdtemp(join(tmpdir(), 'sfn-api-')),
    region: REGION,
    accountId: ACCOUNT,
  });
  api = await startStepFunctionsApi(engine, {});
  sfn = new SFNClient({
    endpoint: api.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  for (const resolve of waiting.values()) resolve();
  await engine.idle();
  sfn.destroy();
  await api.stop();
  await engine.close();
});

const start = (name: string | undefined, input: unknown) =>
  sfn.send(new StartExecutionCommand({ stateMachineArn: spec.arn, name, input: JSON.stringify(input) }));

describe('the Step Functions API stand-in', () => {
  it('returns the same execution for the same name and input while it runs, and refuses another input', async () => {
    const first = await start('dup', { key: 'dup', wait: true });
    expect(first.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:api-machine:dup`);
    expect(first.startDate).toBeInstanceOf(Date);
    const again = await start('dup', { key: 'dup', wait: true });
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    await expect(start('dup', { key: 'other', wait: true })).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    release('dup');
    await engine.idle();
    // Closed executions keep their name: AWS refuses even the same input then.
    await expect(start('dup', { key: 'dup', wait: true })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('describes an execution with epoch-second dates, output and status', async () => {
    const { executionArn } = await start('described', { key: 'described' });
    await engine.idle();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(described.name).toBe('described');
    expect(described.stateMachineArn).toBe(spec.arn);
    expect(JSON.parse(described.output ?? '')).toEqual({ key: 'described', held: { key: 'described' } });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(described.startDate?.getTime() ?? Infinity);
    expect(Math.abs((described.startDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('lists executions newest first, filters by status and pages with nextToken', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) {
      await start(name, { key: name });
      await engine.idle();
    }
    await start('list-running', { key: 'list-running', wait: true });
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: spec.arn, statusFilter: 'RUNNING' }),
    );
    expect(running.executions?.map((execution) => execution.name)).toEqual(['list-running']);

    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: spec.arn,
          statusFilter: 'SUCCEEDED',
          maxResults: 2,
          nextToken,
        }),
      );
      names.push(...(page.executions ?? []).map((execution) => execution.name ?? ''));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken);
    expect(pages).toBeGreaterThan(1);
    expect(names.slice(0, 3)).toEqual(['list-c', 'list-b', 'list-a']);
    release('list-running');
    await engine.idle();
  });

  it('serves the history in order or reversed, a page at a time', async () => {
    const { executionArn } = await start('history', { key: 'history' });
    await engine.idle();
    const all = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = all.events?.map((event) => event.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(all.events?.[0].timestamp).toBeInstanceOf(Date);
    expect(all.events?.[1].stateEnteredEventDetails?.name).toBe('Hold');
    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 3 }),
    );
    expect(reversed.events?.map((event) => event.id)).toEqual([7, 6, 5]);
    const rest = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults: 3,
        nextToken: reversed.nextToken,
      }),
    );
    expect(rest.events?.map((event) => event.id)).toEqual([4, 3, 2]);
    const withoutData = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }),
    );
    expect(withoutData.events?.[0].executionStartedEventDetails?.input).toBeUndefined();
  });

  it('describes and lists the state machines', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: spec.arn }));
    expect(described.name).toBe('api-machine');
    expect(JSON.parse(described.definition ?? '')).toEqual(spec.definition);
    expect(described.creationDate).toBeInstanceOf(Date);
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((machine) => machine.stateMachineArn)).toEqual([spec.arn]);
  });

  it('stops a running execution: ABORTED with the given error and cause', async () => {
    const { executionArn } = await start('stopped', { key: 'stopped', wait: true });
    const { stopDate } = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'changed my mind' }),
    );
    expect(stopDate).toBeInstanceOf(Date);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'changed my mind' });
    const history = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(history.events?.[0].type).toBe('ExecutionAborted');
  });

  it('answers unknown executions, machines and bad names with AWS error types', async () => {
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:api-machine:nope`,
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${spec.arn}-other`, input: '{}' })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(start('bad name', { key: 'x' })).rejects.toBeInstanceOf(InvalidName);
    const raw = await fetch(api.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.DescribeExecution',
      },
      body: JSON.stringify({
        executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:api-machine:nope`,
      }),
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await raw.json()).toEqual({
      __type: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: 'arn:aws:states:${REGION}:${ACCOUNT}:execution:api-machine:nope'`,
    });
  });
});
