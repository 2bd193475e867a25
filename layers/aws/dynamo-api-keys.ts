/**
 * API keys on their own table (hash key `keyId`), one item per key holding the ApiKeyRecord: the secret's
 * sha256, never the secret. The authorizer imports this module, so the SDK is loaded through sdk.ts when a
 * method first runs, not at import: its cold start stays free of the SDK.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, SynergyError } from '../core/errors.ts';
import type { ApiKeyRecord, ApiKeys } from '../core/ports.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { connectDocumentClient, dynamoDocumentSdk } from './sdk.ts';

function optionalString(item: Readonly<Record<string, unknown>>, attribute: string): string | undefined {
  const value = item[attribute];
  return typeof value === 'string' ? value : undefined;
}

/** The record in an item, refusing an item that lacks one of its fields (a hand edit, another writer). */
function recordOf(item: Readonly<Record<string, unknown>>): ApiKeyRecord {
  const keyId = optionalString(item, 'keyId');
  const name = optionalString(item, 'name');
  const secretSha256 = optionalString(item, 'secretSha256');
  const createdAt = optionalString(item, 'createdAt');
  const createdBy = optionalString(item, 'createdBy');
  if (
    keyId === undefined ||
    name === undefined ||
    secretSha256 === undefined ||
    createdAt === undefined ||
    createdBy === undefined
  ) {
    throw new SynergyError('an API key item lacks one of keyId, name, secretSha256, createdAt, createdBy', {
      keyId,
    });
  }
  const revokedAt = optionalString(item, 'revokedAt');
  return {
    keyId,
    name,
    secretSha256,
    createdAt,
    createdBy,
    ...(revokedAt === undefined ? {} : { revokedAt }),
  };
}

export class DynamoApiKeys implements ApiKeys {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: ApiKeyRecord): Promise<void> {
    const { PutCommand } = await dynamoDocumentSdk();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record },
          ConditionExpression: 'attribute_not_exists(keyId)',
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new ConflictError(
          `API key ${record.keyId} already exists`,
          { keyId: record.keyId },
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** A strongly consistent read, so a revocation counts from the next lookup. */
  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { GetCommand } = await dynamoDocumentSdk();
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { keyId }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : recordOf(Item);
  }

  /** A Scan: the table holds a few keys per team, listed only by an operator. */
  async list(): Promise<ApiKeyRecord[]> {
    const { ScanCommand } = await dynamoDocumentSdk();
    const records: ApiKeyRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? []) records.push(recordOf(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId));
  }

  async revoke(keyId: string, at: string): Promise<ApiKeyRecord> {
    const { UpdateCommand } = await dynamoDocumentSdk();
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { keyId },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(keyId)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (Attributes === undefined) {
        throw new SynergyError(`revoking API key ${keyId} returned no item`, { keyId });
      }
      return recordOf(Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new NotFoundError(`no API key "${keyId}"`, { keyId }, { cause: error });
      }
      throw error;
    }
  }
}

/** A DynamoApiKeys on a client of its own, the SDK imported now rather than at module load. */
export async function connectDynamoApiKeys(tableName: string): Promise<DynamoApiKeys> {
  return new DynamoApiKeys(await connectDocumentClient(), tableName);
}
