/**
 * The AWS SDK modules, imported on first use. The SDK is provided by the Lambda runtime (it is external
 * in every bundle) and takes ~200-300 ms to import here, so the serving functions, whose cold start must
 * stay small, load it only when a request first needs it. esbuild keeps these `import()` calls dynamic
 * because they name the external package directly (an import() of a local module that statically imports
 * the SDK would be hoisted into the bundle's top-level imports).
 */

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
