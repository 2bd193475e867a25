import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentSdk } from './sdk.ts';

/**
 * All items of a Query, following LastEvaluatedKey, stopping once `limit` items are collected. With a
 * FilterExpression DynamoDB's Limit counts items before filtering, so the page size is only set when
 * there is no filter.
 */
export async function queryItems(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit?: number,
): Promise<Record<string, unknown>[]> {
  const { QueryCommand } = await dynamoDocumentSdk();
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const pageLimit =
      limit !== undefined && input.FilterExpression === undefined ? limit - items.length : undefined;
    const page = await doc.send(
      new QueryCommand({
        ...input,
        ...(pageLimit === undefined ? {} : { Limit: pageLimit }),
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && (limit === undefined || items.length < limit));
  return limit === undefined ? items : items.slice(0, limit);
}

/** The number of items a Query matches, summed over pages (Select COUNT reads no attributes back). */
export async function countItems(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<number> {
  const { QueryCommand } = await dynamoDocumentSdk();
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        ...input,
        Select: 'COUNT',
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}
