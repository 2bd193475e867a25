/**
 * dynalite 4 in-process: the local DynamoDB, plus table creation from the CloudFormation resources
 * `serverless print` gives, so the local tables have exactly the deployed keys and indexes.
 */
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

import dynalite from 'dynalite';
import { z } from 'zod';
import { SynergyError } from '../../layers/core/errors.ts';
import { listenOnLoopback } from '../listen.ts';

export interface StartDynamoOptions {
  /** LevelDB directory, kept across restarts; in memory when omitted. */
  readonly directory?: string;
  /** 0 or omitted: a free port chosen by the OS. */
  readonly port?: number;
}

export interface StartedDynamo {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startDynamo(options: StartDynamoOptions = {}): Promise<StartedDynamo> {
  if (options.directory !== undefined) await mkdir(options.directory, { recursive: true });
  // Tables become ACTIVE at once: nothing local waits for provisioning.
  const server = dynalite({
    ...(options.directory === undefined ? {} : { path: options.directory }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listenOnLoopback(server, options.port);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop(): Promise<void> {
      // dynalite's close() also waits for pending LevelDB work, so a persistent store is not corrupted.
      stopped ??= new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      return stopped;
    },
  };
}

/** A table in the stack cannot be created locally (a TableName that is not a plain string…). */
export class TableDefinitionError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'TableDefinitionError';
  }
}

export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface CreatedTables {
  readonly created: string[];
  /** Tables that were already there (a restart with a persistent directory). */
  readonly existing: string[];
  /** Per table, the CloudFormation properties left out because CreateTable/dynalite cannot take them. */
  readonly dropped: Record<string, string[]>;
}

const keySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }));
const throughput = z.object({ ReadCapacityUnits: z.coerce.number(), WriteCapacityUnits: z.coerce.number() });
const projection = z.object({
  ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(),
  NonKeyAttributes: z.array(z.string()).optional(),
});
const index = z.object({
  IndexName: z.string(),
  KeySchema: keySchema,
  Projection: projection,
  ProvisionedThroughput: throughput.optional(),
});

/**
 * The CreateTable parameters dynalite understands. zod drops every other key (SSESpecification,
 * PointInTimeRecoverySpecification, StreamSpecification, TimeToLiveSpecification, Tags,
 * DeletionProtectionEnabled, ContributorInsightsSpecification inside indexes…), which is the point:
 * none of them changes what the table stores or how it is queried.
 */
const tableProperties = z.object({
  TableName: z.string().optional(),
  AttributeDefinitions: z.array(
    z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) }),
  ),
  KeySchema: keySchema,
  BillingMode: z.enum(['PROVISIONED', 'PAY_PER_REQUEST']).optional(),
  ProvisionedThroughput: throughput.optional(),
  GlobalSecondaryIndexes: z.array(index).optional(),
  LocalSecondaryIndexes: z.array(index.omit({ ProvisionedThroughput: true })).optional(),
});

/**
 * Creates every AWS::DynamoDB::Table of `resources` (a CloudFormation Resources map). A table without a
 * TableName gets its logical id, as a stand-in for CloudFormation's generated name. Idempotent: a table
 * that exists is left as it is.
 */
export async function createTablesFromCloudFormation(
  client: DynamoDBClient,
  resources: Readonly<Record<string, CloudFormationResource>>,
): Promise<CreatedTables> {
  const result: CreatedTables = { created: [], existing: [], dropped: {} };
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const input = toCreateTableInput(logicalId, resource.Properties ?? {});
    const tableName = input.TableName!;
    const dropped = Object.keys(resource.Properties ?? {}).filter((key) => !(key in tableProperties.shape));
    if (dropped.length > 0) result.dropped[tableName] = dropped;
    if (await createTable(client, input)) result.created.push(tableName);
    else result.existing.push(tableName);
  }
  return result;
}

function toCreateTableInput(
  logicalId: string,
  properties: Readonly<Record<string, unknown>>,
): CreateTableCommandInput {
  if (properties.TableName !== undefined && typeof properties.TableName !== 'string') {
    throw new TableDefinitionError(
      `table ${logicalId}: TableName must be a resolved string (got ${JSON.stringify(properties.TableName)}); resolve intrinsic functions first`,
      { logicalId },
    );
  }
  const parsed = tableProperties.safeParse(properties);
  if (!parsed.success) {
    throw new TableDefinitionError(
      `table ${logicalId}: ${z.prettifyError(parsed.error)}`,
      { logicalId },
      {
        cause: parsed.error,
      },
    );
  }
  return { ...parsed.data, TableName: parsed.data.TableName ?? logicalId };
}

/** true when created, false when it already existed. Waits until the table is ACTIVE. */
async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<boolean> {
  let created = true;
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceInUseException') throw error;
    created = false;
  }
  await waitUntilActive(client, input.TableName!);
  return created;
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new TableDefinitionError(
        `table ${tableName} is still ${Table?.TableStatus} after ${timeoutMs} ms`,
        {
          tableName,
        },
      );
    }
    await sleep(10);
  }
}
