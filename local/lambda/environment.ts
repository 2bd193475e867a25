/**
 * A sandbox's environment: the function's own (provider + function env from serverless.yml) plus what
 * Lambda sets and what points the AWS SDK at the local services — through the SDK's standard
 * AWS_ENDPOINT_URL_* variables, so handlers run unchanged and never know where they are.
 */
import type { FunctionConfig } from '../config/stack-config.ts';

export interface ServiceEndpoints {
  readonly s3: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  readonly cloudwatch: string;
  readonly eventbridge: string;
  readonly region: string;
}

export function sandboxEnvironment(
  fn: Pick<FunctionConfig, 'name' | 'memorySizeMb' | 'environment' | 'handler'>,
  endpoints: ServiceEndpoints,
  runtime = 'nodejs22.x',
): Record<string, string> {
  return {
    ...(process.env.PATH === undefined ? {} : { PATH: process.env.PATH }),
    ...fn.environment,
    // What Lambda sets; a function cannot override these (they are reserved on AWS too).
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    _HANDLER: `${fn.handler.module}.${fn.handler.exportName}`,
    // s3rver checks signatures against these; dynalite and the SFN stand-in accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
    AWS_ENDPOINT_URL_CLOUDWATCH: endpoints.cloudwatch,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
    // Otherwise s3rver stores streamed uploads with their aws-chunked framing.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    // The SDK warns once per process that Node 20 support ends (@aws-sdk/core emitWarningIfUnsupportedVersion).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // No instance metadata locally: never let a credential or region lookup wait on 169.254.169.254.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
