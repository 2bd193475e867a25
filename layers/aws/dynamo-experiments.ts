/**
 * Experiments on the runs table: a run is `RUN#<runId>`/`META`, its cells `RUN#<runId>`/`CELL#<cellId>`
 * (so one Query reads or counts a run's cells), and the byCreated index (`RUNS`, `<createdAt>#<runId>`)
 * lists runs newest first. All runs share one index partition: fine at the rate runs are created
 * (a few per hour), and it keeps listRuns a single ordered Query.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../core/errors.ts';
import type { CellRecord, RunPatch, RunRecord, RunStatus } from '../core/pipeline/records.ts';
import type { Experiments } from '../core/ports.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import {
  CELL_PREFIX,
  cellKey,
  RUNS_BY_CREATED_INDEX,
  RUNS_INDEX_PK,
  recordOf,
  runKey,
  runsIndexSortKey,
} from './dynamo-items.ts';
import { countItems, queryItems } from './dynamo-pages.ts';
import { updateFromFields } from './dynamo-update.ts';

export class DynamoExperiments implements Experiments {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createRun(run: RunRecord): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...runKey(run.runId),
            entity: 'run',
            gsi1pk: RUNS_INDEX_PK,
            gsi1sk: runsIndexSortKey(run.createdAt, run.runId),
            ...run,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'exists';
      throw error;
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: runKey(runId), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : recordOf<RunRecord>(Item);
  }

  async updateRun(runId: string, patch: RunPatch, expectStatus?: readonly RunStatus[]): Promise<RunRecord> {
    if (expectStatus?.length === 0) throw await this.conflict(runId, expectStatus);
    // runId is set to itself so the expression is never empty, whatever the patch holds.
    const update = updateFromFields({ ...patch, runId });
    const statuses = (expectStatus ?? []).map((status, index) => [`:expect${index}`, status] as const);
    const condition = ['attribute_exists(pk)'];
    if (statuses.length > 0)
      condition.push(`#status IN (${statuses.map(([placeholder]) => placeholder).join(', ')})`);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(runId),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: condition.join(' AND '),
          ExpressionAttributeNames: {
            ...update.ExpressionAttributeNames,
            ...(statuses.length > 0 ? { '#status': 'status' } : {}),
          },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...Object.fromEntries(statuses) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return recordOf<RunRecord>(Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw await this.conflict(runId, expectStatus ?? [], error);
      throw error;
    }
  }

  async listRuns(
    options: { readonly limit?: number; readonly modelName?: string } = {},
  ): Promise<RunRecord[]> {
    if (options.limit !== undefined && options.limit <= 0) return [];
    const byModel = options.modelName !== undefined;
    const items = await queryItems(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: RUNS_BY_CREATED_INDEX,
        KeyConditionExpression: 'gsi1pk = :runs',
        ScanIndexForward: false,
        ...(byModel ? { FilterExpression: 'modelName = :modelName' } : {}),
        ExpressionAttributeValues: {
          ':runs': RUNS_INDEX_PK,
          ...(byModel ? { ':modelName': options.modelName } : {}),
        },
      },
      options.limit,
    );
    return items.map((item) => recordOf<RunRecord>(item));
  }

  async putCell(cell: CellRecord): Promise<void> {
    // NaN cannot be stored in DynamoDB; a stopped or failed cell has no score.
    const score = typeof cell.score === 'number' && Number.isFinite(cell.score) ? cell.score : null;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...cellKey(cell.runId, cell.cellId), entity: 'cell', ...cell, score },
      }),
    );
  }

  /** In cellId order (the sort key's byte order). */
  async listCells(runId: string): Promise<CellRecord[]> {
    const items = await queryItems(this.doc, this.cellsQuery(runId));
    return items.map((item) => recordOf<CellRecord>(item));
  }

  countCells(runId: string): Promise<number> {
    return countItems(this.doc, this.cellsQuery(runId));
  }

  private cellsQuery(runId: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cells)',
      ExpressionAttributeValues: { ':pk': runKey(runId).pk, ':cells': CELL_PREFIX },
      ConsistentRead: true,
    };
  }

  /** The ConflictError of a lost update, naming the status the run actually has. */
  private async conflict(
    runId: string,
    expected: readonly RunStatus[],
    cause?: unknown,
  ): Promise<ConflictError> {
    const current = await this.getRun(runId);
    const options = cause === undefined ? undefined : { cause };
    if (current === undefined) return new ConflictError(`run ${runId} does not exist`, { runId }, options);
    return new ConflictError(
      `run ${runId} is ${current.status}, expected ${expected.length > 0 ? expected.join(' or ') : 'no status'}`,
      { runId, status: current.status, expected },
      options,
    );
  }
}
