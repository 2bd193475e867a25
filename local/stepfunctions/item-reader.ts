/** A Distributed Map's ItemReader: a JSON array object read with s3:getObject (ReaderConfig.InputType JSON). */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StateError } from './errors.ts';
import { isJsonObject, type JsonValue } from './json.ts';

export async function readJsonItems(
  s3: S3Client,
  parameters: JsonValue,
  maxItems?: number,
): Promise<JsonValue[]> {
  if (
    !isJsonObject(parameters) ||
    typeof parameters.Bucket !== 'string' ||
    typeof parameters.Key !== 'string'
  ) {
    throw new StateError(
      'States.ItemReaderFailed',
      `ItemReader Parameters need a Bucket and a Key, got ${JSON.stringify(parameters)}`,
    );
  }
  const { Bucket, Key } = parameters;
  const VersionId = typeof parameters.VersionId === 'string' ? parameters.VersionId : undefined;
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }));
    text = (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new StateError('States.ItemReaderFailed', `Could not read s3://${Bucket}/${Key}: ${reason}`);
  }
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (error) {
    throw new StateError(
      'States.ItemReaderFailed',
      `s3://${Bucket}/${Key} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(items)) {
    throw new StateError('States.ItemReaderFailed', `s3://${Bucket}/${Key} does not hold a JSON array`);
  }
  return maxItems !== undefined && maxItems > 0
    ? (items.slice(0, maxItems) as JsonValue[])
    : (items as JsonValue[]);
}
