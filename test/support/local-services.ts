/**
 * Real s3rver and dynalite for adapter tests: random ports, a temp directory, the tables created
 * from the same CloudFormation shape serverless.yml declares, and SDK clients configured as the local
 * runtime configures them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../layers/aws/document-client.ts';
import {
  type CloudFormationResource,
  createTablesFromCloudFormation,
  startDynamo,
} from '../../local/services/dynamodb.ts';
import { type S3EventRecordLike, startS3 } from '../../local/services/s3.ts';

export const RUNS_TABLE = 'synergy-test-runs';
export const REGISTRY_TABLE = 'synergy-test-registry';
export const API_KEYS_TABLE = 'synergy-test-api-keys';
export const DATA_BUCKET = 'synergy-test-data';

const stringKey = (name: string) => ({ AttributeName: name, AttributeType: 'S' });

/** The tables as serverless.yml declares them (for tests only; the real ones come from serverless.yml). */
export const tableResources: Record<string, CloudFormationResource> = {
  RunsTable: {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: RUNS_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [stringKey('pk'), stringKey('sk'), stringKey('gsi1pk'), stringKey('gsi1sk')],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byCreated',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  },
  RegistryTable: {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: REGISTRY_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [stringKey('pk'), stringKey('sk')],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    },
  },
  ApiKeysTable: {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: API_KEYS_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [stringKey('keyId')],
      KeySchema: [{ AttributeName: 'keyId', KeyType: 'HASH' }],
    },
  },
};

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalServices {
  readonly directory: string;
  readonly s3Endpoint: string;
  readonly dynamoEndpoint: string;
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** Every S3 event s3rver emitted so far. */
  readonly s3Events: S3EventRecordLike[];
  stop(): Promise<void>;
}

export async function startLocalServices(): Promise<LocalServices> {
  const directory = await mkdtemp(join(tmpdir(), 'synergy-aws-'));
  const s3Events: S3EventRecordLike[] = [];
  const s3Server = await startS3({
    directory: join(directory, 's3'),
    buckets: [DATA_BUCKET],
    onEvent: (record) => s3Events.push(record),
  });
  const dynamoServer = await startDynamo();
  const s3 = new S3Client({
    endpoint: s3Server.endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamo = new DynamoDBClient({ endpoint: dynamoServer.endpoint, region: 'us-east-1', credentials });
  await createTablesFromCloudFormation(dynamo, tableResources);
  return {
    directory,
    s3Endpoint: s3Server.endpoint,
    dynamoEndpoint: dynamoServer.endpoint,
    s3,
    dynamo,
    doc: createDocumentClient(dynamo),
    s3Events,
    async stop() {
      s3.destroy();
      dynamo.destroy();
      await Promise.all([s3Server.stop(), dynamoServer.stop()]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
