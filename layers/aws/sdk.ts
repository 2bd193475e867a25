/**
 * The AWS SDK modules, imported on first use. The SDK is provided by the Lambda runtime (it is external
 * in every bundle) and takes ~200-300 ms to import here, so the serving functions, whose cold start must
 * stay small, load it only when a request first needs it. esbuild keeps these `import()` calls dynamic
 * because they name the external package directly (an import() of a local module that statically imports
 * the SDK would be hoisted into the bundle's top-level imports).
 */

import type { DynamoDBDocumentClient, TranslateConfig } from '@aws-sdk/lib-dynamodb';

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}

export const s3Sdk = once(() => import('@aws-sdk/client-s3'));
export const s3UploadSdk = once(() => import('@aws-sdk/lib-storage'));
export const dynamoSdk = once(() => import('@aws-sdk/client-dynamodb'));
export const dynamoDocumentSdk = once(() => import('@aws-sdk/lib-dynamodb'));
export const cloudWatchSdk = once(() => import('@aws-sdk/client-cloudwatch'));
export const eventBridgeSdk = once(() => import('@aws-sdk/client-eventbridge'));

/**
 * How every DynamoDB adapter's document client marshals: optional record fields are left undefined by the
 * use cases, and DynamoDB refuses undefined attribute values, so they are dropped on write.
 */
export const DOCUMENT_CLIENT_OPTIONS: TranslateConfig = { marshallOptions: { removeUndefinedValues: true } };

/** A document client on a default DynamoDB client, the SDK imported now (not at module load). */
export async function connectDocumentClient(): Promise<DynamoDBDocumentClient> {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
    dynamoSdk(),
    dynamoDocumentSdk(),
  ]);
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), DOCUMENT_CLIENT_OPTIONS);
}

/**
 * A custom endpoint (AWS_ENDPOINT_URL_S3 or the global AWS_ENDPOINT_URL: the local runtime, MinIO…) is an
 * S3-compatible server on a host name that has no bucket sub-domains, so addressing must be path-style.
 */
export function usesCustomS3Endpoint(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}
