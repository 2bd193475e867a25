/**
 * Recognising SDK v3 service errors by name rather than by class: the local stand-ins and the real
 * services agree on the error code, and matching names keeps the adapters free of instanceof checks
 * against one particular copy of a client package.
 */

export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

/** A DynamoDB conditional write lost. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

/** GetObject's NoSuchKey/NoSuchBucket, or HeadObject's bodiless 404 (named NotFound). */
export function isS3NotFound(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound' || httpStatus(error) === 404;
}
