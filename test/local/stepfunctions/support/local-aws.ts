/** s3rver (the project's local S3) in a temporary directory and a client for it, plus an engine factory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type StartedS3, startS3 } from '../../../../local/services/s3.ts';
import {
  type EngineOptions,
  ExecutionEngine,
  type StateMachineSpec,
} from '../../../../local/stepfunctions/engine.ts';
import { type FakeFunction, FakeLambdaInvoker, resolveFunctionKey } from './fake-invoker.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const BUCKET = 'synergy-data';

export interface LocalS3 {
  readonly s3: S3Client;
  readonly server: StartedS3;
  readonly directory: string;
  stop(): Promise<void>;
}

export async function startLocalS3(): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'sfn-test-'));
  const server = await startS3({ directory: join(directory, 's3'), buckets: [BUCKET] });
  const s3 = new S3Client({
    endpoint: server.endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    s3,
    server,
    directory,
    async stop() {
      s3.destroy();
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export function machineArn(name: string): string {
  return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
}

export function machineSpec(name: string, definition: Record<string, unknown>): StateMachineSpec {
  return { name, arn: machineArn(name), definition };
}

export interface TestEngine {
  readonly engine: ExecutionEngine;
  readonly invoker: FakeLambdaInvoker;
  readonly stateDir: string;
}

export async function testEngine(
  local: LocalS3,
  stateMachines: StateMachineSpec[],
  functions: Record<string, FakeFunction>,
  overrides: Partial<EngineOptions> = {},
): Promise<TestEngine> {
  const stateDir = overrides.stateDir ?? (await mkdtemp(join(local.directory, 'state-')));
  const invoker = new FakeLambdaInvoker(functions);
  const engine = new ExecutionEngine({
    stateMachines,
    invoker,
    resolveFunction: resolveFunctionKey,
    s3: local.s3,
    stateDir,
    region: REGION,
    accountId: ACCOUNT,
    waitTimeScale: 0.01,
    ...overrides,
  });
  return { engine, invoker, stateDir };
}
