import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../layers/aws/document-client.ts';
import {
  type CloudFormationResource,
  createTablesFromCloudFormation,
  type StartedDynamo,
  startDynamo,
  TableDefinitionError,
} from '../../local/services/dynamodb.ts';
import { type S3EventRecordLike, startS3 } from '../../local/services/s3.ts';
import { tableResources } from '../support/local-services.ts';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'synergy-local-services-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const dynamoClient = (dynamo: StartedDynamo) =>
  new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });

const s3Client = (endpoint: string) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

describe('createTablesFromCloudFormation', () => {
  it('creates the tables with their indexes, drops what dynalite cannot take, and skips existing ones', async () => {
    const dynamo = await startDynamo();
    const client = dynamoClient(dynamo);
    try {
      const runs = tableResources.RunsTable;
      const resources: Record<string, CloudFormationResource> = {
        RunsTable: {
          ...runs,
          Properties: {
            ...runs.Properties,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { SSEEnabled: true },
            StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
            TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
            Tags: [{ Key: 'app', Value: 'synergy' }],
          },
        },
        KeysTable: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            ProvisionedThroughput: { ReadCapacityUnits: '1', WriteCapacityUnits: 1 },
          },
        },
        DataBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'data' } },
      };

      const first = await createTablesFromCloudFormation(client, resources);
      expect(first.created).toEqual(['synergy-test-runs', 'KeysTable']);
      expect(first.existing).toEqual([]);
      expect(first.dropped['synergy-test-runs']?.sort()).toEqual([
        'PointInTimeRecoverySpecification',
        'SSESpecification',
        'StreamSpecification',
        'Tags',
        'TimeToLiveSpecification',
      ]);

      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'synergy-test-runs' }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byCreated']);
      expect(Table?.GlobalSecondaryIndexes?.[0].Projection?.ProjectionType).toBe('ALL');

      const second = await createTablesFromCloudFormation(client, resources);
      expect(second.created).toEqual([]);
      expect(second.existing).toEqual(['synergy-test-runs', 'KeysTable']);
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  });

  it('refuses a TableName that is still an intrinsic function, naming the resource', async () => {
    const dynamo = await startDynamo();
    const client = dynamoClient(dynamo);
    try {
      const unresolved = {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          ...tableResources.RegistryTable.Properties,
          TableName: { Ref: 'RegistryTableName' },
        },
      };
      const error = await createTablesFromCloudFormation(client, { RegistryTable: unresolved }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TableDefinitionError);
      expect((error as Error).message).toContain('RegistryTable');
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  });
});

describe('startDynamo', () => {
  it('keeps tables and items across a restart when given a directory', async () => {
    const dynamoDirectory = join(directory, 'dynamodb');
    const first = await startDynamo({ directory: dynamoDirectory });
    const firstClient = dynamoClient(first);
    await createTablesFromCloudFormation(firstClient, { RegistryTable: tableResources.RegistryTable });
    await createDocumentClient(firstClient).send(
      new PutCommand({
        TableName: 'synergy-test-registry',
        Item: { pk: 'MODEL#iris', sk: 'META', latestVersion: 3 },
      }),
    );
    firstClient.destroy();
    await first.stop();

    const second = await startDynamo({ directory: dynamoDirectory });
    const secondClient = dynamoClient(second);
    try {
      const again = await createTablesFromCloudFormation(secondClient, {
        RegistryTable: tableResources.RegistryTable,
      });
      expect(again.existing).toEqual(['synergy-test-registry']);
      const { Item } = await createDocumentClient(secondClient).send(
        new GetCommand({ TableName: 'synergy-test-registry', Key: { pk: 'MODEL#iris', sk: 'META' } }),
      );
      expect(Item?.latestVersion).toBe(3);
    } finally {
      secondClient.destroy();
      await second.stop();
    }
  });
});

describe('startS3', () => {
  it('creates the buckets, reports every object event unfiltered, and keeps objects across a restart', async () => {
    const s3Directory = join(directory, 's3');
    const events: S3EventRecordLike[] = [];
    const first = await startS3({
      directory: s3Directory,
      buckets: ['data'],
      onEvent: (e) => events.push(e),
    });
    const client = s3Client(first.endpoint);
    try {
      expect(first.endpoint).toBe(`http://127.0.0.1:${first.port}`);
      await client.send(
        new PutObjectCommand({ Bucket: 'data', Key: 'incoming/iris/my data.csv', Body: 'a,b\n1,2\n' }),
      );
      await client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'incoming/iris/my data.csv' }));
      await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'runs/r1/report.html', Body: '<p>' }));

      expect(events.map((e) => [e.eventName, e.s3.bucket.name, e.s3.object.key])).toEqual([
        ['ObjectCreated:Put', 'data', 'incoming/iris/my data.csv'],
        ['ObjectRemoved:Delete', 'data', 'incoming/iris/my data.csv'],
        ['ObjectCreated:Put', 'data', 'runs/r1/report.html'],
      ]);
      const [put, removed] = events;
      expect(put).toMatchObject({ eventSource: 'aws:s3', awsRegion: 'us-east-1' });
      expect(put.s3.object.size).toBe(8);
      expect(put.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
      expect(removed.s3.object.size).toBeUndefined();

      await first.createBucket('models');
      await first.createBucket('models');
    } finally {
      client.destroy();
      await first.stop();
    }

    const second = await startS3({ directory: s3Directory, buckets: ['data'] });
    const secondClient = s3Client(second.endpoint);
    try {
      const kept = await secondClient.send(
        new GetObjectCommand({ Bucket: 'data', Key: 'runs/r1/report.html' }),
      );
      expect(await kept.Body?.transformToString()).toBe('<p>');
      await secondClient.send(new PutObjectCommand({ Bucket: 'models', Key: 'k', Body: 'v' }));
    } finally {
      secondClient.destroy();
      await second.stop();
    }
  });

  it('pages ListObjectsV2 with continuation tokens (s3rver alone fails: its DES tokens need OpenSSL legacy)', async () => {
    const server = await startS3({ directory: join(directory, 's3-list'), buckets: ['data'] });
    const client = s3Client(server.endpoint);
    try {
      // No key two levels deep under a delimiter: s3rver's directory walk never finds those (a/b/c → no a/).
      const keys = ['a/1', 'a/2', 'b/1', 'c', 'd', 'e/f', 'é'];
      for (const key of keys)
        await client.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: key }));

      const seen: string[] = [];
      const prefixes: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: 'data', MaxKeys: 2, Delimiter: '/', ContinuationToken: token }),
        );
        pages++;
        seen.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
        prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);

      expect(seen).toEqual(['c', 'd', 'é']);
      expect([...new Set(prefixes)].sort()).toEqual(['a/', 'b/', 'e/']);
      expect(pages).toBe(2);

      const after = await client.send(new ListObjectsV2Command({ Bucket: 'data', StartAfter: 'b/1' }));
      expect(after.Contents?.map((o) => o.Key)).toEqual(['c', 'd', 'e/f', 'é']);
      expect(after.KeyCount).toBe(4);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
