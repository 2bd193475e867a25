import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_CLIENT_OPTIONS } from './sdk.ts';

/** The document client every DynamoDB adapter expects (see DOCUMENT_CLIENT_OPTIONS), built synchronously. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, DOCUMENT_CLIENT_OPTIONS);
}
