/**
 * Registry on the registry table, one partition per model (`MODEL#<name>`): versions `V#<9 digits>`,
 * aliases `ALIAS#<alias>`, audit `AUDIT#<iso>#<id>` and a summary `META` (latestVersion). No transactions
 * (dynalite has none): every invariant rests on one conditional write, and the items written after it
 * (summary, audit) are repairable follow-ups. The SDK's commands are imported on first use (sdk.ts): the
 * predict function imports this module and its cold start must not load the SDK.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../core/errors.ts';
import type {
  AliasName,
  AliasRecord,
  AuditRecord,
  ModelSummary,
  ModelVersionRecord,
  NewModelVersion,
  RoutingRecord,
} from '../core/pipeline/records.ts';
import type { Clock, Registry } from '../core/ports.ts';
import { describeRouting } from '../core/serving/routing-record.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import {
  ALIAS_PREFIX,
  AUDIT_PREFIX,
  aliasKey,
  auditKey,
  MAX_VERSION,
  MODEL_META_SK,
  modelMetaKey,
  modelPk,
  recordOf,
  routingKey,
  VERSION_PREFIX,
  versionKey,
} from './dynamo-items.ts';
import { queryItems } from './dynamo-pages.ts';
import { type BackoffOptions, backoff } from './retry-backoff.ts';
import { dynamoDocumentSdk } from './sdk.ts';

export interface DynamoRegistryOptions {
  readonly clock?: Clock;
  /** Ids of the audit items this adapter writes; they order entries written in the same millisecond. */
  readonly newId?: () => string;
  /** Attempts at allocating a version number before giving up with ConflictError. */
  readonly maxVersionAttempts?: number;
  readonly versionBackoff?: BackoffOptions;
}

type MoveAlias = Parameters<Registry['moveAlias']>[0];

export class DynamoRegistry implements Registry {
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly maxVersionAttempts: number;
  private readonly versionBackoff: BackoffOptions;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoRegistryOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.newId = options.newId ?? orderedId;
    this.maxVersionAttempts = options.maxVersionAttempts ?? 25;
    this.versionBackoff = options.versionBackoff ?? { baseMs: 10, capMs: 250 };
  }

  /**
   * Reads the newest version (strongly consistent) and puts latest + 1 only if that key is free. Losing
   * writers re-read and retry, so numbers are unique (the condition) and gapless (always latest + 1).
   */
  async createVersion(model: NewModelVersion): Promise<ModelVersionRecord> {
    for (let attempt = 1; attempt <= this.maxVersionAttempts; attempt++) {
      const latest = await this.latestVersionNumber(model.modelName);
      const record: ModelVersionRecord = {
        ...model,
        version: latest + 1,
        createdAt: this.clock.now().toISOString(),
      };
      if (record.version > MAX_VERSION) {
        throw new ConflictError(`model ${model.modelName} has no version numbers left`, {
          modelName: model.modelName,
        });
      }
      if (await this.putVersionIfFree(record)) {
        await this.raiseLatestVersion(record.modelName, record.version);
        await this.putAudit({
          modelName: record.modelName,
          at: record.createdAt,
          id: this.newId(),
          action: 'VersionCreated',
          version: record.version,
          reason: `registered by run ${record.lineage.runId}`,
          actor: 'pipeline',
        });
        return record;
      }
      await backoff(attempt, this.versionBackoff);
    }
    throw new ConflictError(
      `could not allocate a version of ${model.modelName} in ${this.maxVersionAttempts} attempts (too many concurrent registrations)`,
      { modelName: model.modelName, attempts: this.maxVersionAttempts },
    );
  }

  async getVersion(modelName: string, version: number): Promise<ModelVersionRecord | undefined> {
    const { GetCommand } = await dynamoDocumentSdk();
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: versionKey(modelName, version),
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : recordOf<ModelVersionRecord>(Item);
  }

  async listVersions(
    modelName: string,
    options: { readonly limit?: number } = {},
  ): Promise<ModelVersionRecord[]> {
    if (options.limit !== undefined && options.limit <= 0) return [];
    const items = await queryItems(
      this.doc,
      this.partitionQuery(modelName, VERSION_PREFIX, false),
      options.limit,
    );
    return items.map((item) => recordOf<ModelVersionRecord>(item));
  }

  /**
   * One Scan for the summary and alias items of every model. The registry holds a handful of models,
   * and the filter keeps versions and audit out of the response (they are still read: the cost grows
   * with history, acceptable for an operator listing, not for a hot path).
   */
  async listModels(): Promise<ModelSummary[]> {
    const summaries = new Map<string, { latestVersion: number; champion?: number; challenger?: number }>();
    const summaryOf = (modelName: string) => {
      let summary = summaries.get(modelName);
      if (!summary) {
        summary = { latestVersion: 0 };
        summaries.set(modelName, summary);
      }
      return summary;
    };
    const { ScanCommand } = await dynamoDocumentSdk();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :meta OR begins_with(sk, :alias)',
          ExpressionAttributeValues: { ':meta': MODEL_META_SK, ':alias': ALIAS_PREFIX },
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk === MODEL_META_SK) {
          summaryOf(String(item.modelName)).latestVersion = Number(item.latestVersion);
        } else {
          const alias = recordOf<AliasRecord>(item);
          summaryOf(alias.modelName)[alias.alias] = alias.version;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return [...summaries.entries()]
      .filter(([, summary]) => summary.latestVersion > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([modelName, summary]) => ({ modelName, ...summary }));
  }

  async getAlias(modelName: string, alias: AliasName): Promise<AliasRecord | undefined> {
    const { GetCommand } = await dynamoDocumentSdk();
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: aliasKey(modelName, alias), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : recordOf<AliasRecord>(Item);
  }

  async moveAlias(move: MoveAlias): Promise<AliasRecord> {
    const moved: AliasRecord = {
      modelName: move.modelName,
      alias: move.alias,
      version: move.version,
      revision: (move.expectedRevision ?? 0) + 1,
      updatedAt: this.clock.now().toISOString(),
    };
    const expectsNew = move.expectedRevision === undefined;
    let previous: AliasRecord | undefined;
    const { PutCommand } = await dynamoDocumentSdk();
    try {
      const { Attributes } = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...aliasKey(move.modelName, move.alias), entity: 'alias', ...moved },
          ConditionExpression: expectsNew ? 'attribute_not_exists(pk)' : '#revision = :expected',
          ...(expectsNew
            ? {}
            : {
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':expected': move.expectedRevision },
              }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      previous = Attributes === undefined ? undefined : recordOf<AliasRecord>(Attributes);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const current = await this.getAlias(move.modelName, move.alias);
      throw new ConflictError(
        `alias ${move.alias} of ${move.modelName} is at revision ${current?.revision ?? 'none'}, expected ${move.expectedRevision ?? 'none'}`,
        {
          modelName: move.modelName,
          alias: move.alias,
          expectedRevision: move.expectedRevision,
          revision: current?.revision,
        },
        { cause: error },
      );
    }
    await this.putAudit({
      modelName: move.modelName,
      at: moved.updatedAt,
      id: this.newId(),
      action: 'AliasMoved',
      version: move.version,
      alias: move.alias,
      ...(previous === undefined ? {} : { fromVersion: previous.version }),
      reason: move.reason,
      actor: move.actor,
    });
    return moved;
  }

  async putAudit(entry: AuditRecord): Promise<void> {
    const { PutCommand } = await dynamoDocumentSdk();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...auditKey(entry.modelName, entry.at, entry.id), entity: 'audit', ...entry },
      }),
    );
  }

  /** Oldest first: the sort key starts with the ISO time. */
  async getRouting(modelName: string): Promise<RoutingRecord | undefined> {
    const { GetCommand } = await dynamoDocumentSdk();
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: routingKey(modelName), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : recordOf<RoutingRecord>(Item);
  }

  async putRouting(routing: RoutingRecord): Promise<void> {
    const { PutCommand } = await dynamoDocumentSdk();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...routingKey(routing.modelName), entity: 'routing', ...routing },
      }),
    );
    await this.putAudit({
      modelName: routing.modelName,
      at: routing.updatedAt,
      id: this.newId(),
      action: 'RoutingChanged',
      reason: describeRouting(routing),
      actor: routing.actor,
    });
  }

  async listAudit(modelName: string): Promise<AuditRecord[]> {
    const items = await queryItems(this.doc, this.partitionQuery(modelName, AUDIT_PREFIX, true));
    return items.map((item) => recordOf<AuditRecord>(item));
  }

  private partitionQuery(modelName: string, prefix: string, ascending: boolean) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': modelPk(modelName), ':prefix': prefix },
      ScanIndexForward: ascending,
      ConsistentRead: true,
    };
  }

  private async latestVersionNumber(modelName: string): Promise<number> {
    const [newest] = await queryItems(this.doc, this.partitionQuery(modelName, VERSION_PREFIX, false), 1);
    return newest === undefined ? 0 : Number(newest.version);
  }

  /** false when another writer took this version number first. */
  private async putVersionIfFree(record: ModelVersionRecord): Promise<boolean> {
    const { PutCommand } = await dynamoDocumentSdk();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...versionKey(record.modelName, record.version), entity: 'version', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Moves the summary's latestVersion up, never down: concurrent registrations finish in any order. If
   * this write is lost (a crash right after the version put), the next registration repairs it.
   */
  private async raiseLatestVersion(modelName: string, version: number): Promise<void> {
    const { UpdateCommand } = await dynamoDocumentSdk();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: modelMetaKey(modelName),
          UpdateExpression: 'SET #latest = :version, #modelName = :modelName, #entity = :entity',
          ConditionExpression: 'attribute_not_exists(#latest) OR #latest < :version',
          ExpressionAttributeNames: {
            '#latest': 'latestVersion',
            '#modelName': 'modelName',
            '#entity': 'entity',
          },
          ExpressionAttributeValues: { ':version': version, ':modelName': modelName, ':entity': 'model' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

/**
 * An id that sorts in creation order within this process (hrtime is monotonic), then random: a version's
 * VersionCreated and the challenger move that follows it in the same millisecond stay in that order.
 */
function orderedId(): string {
  return `${process.hrtime.bigint().toString().padStart(20, '0')}-${randomUUID()}`;
}
