/**
 * The CloudWatch API stand-in: AWS JSON 1.0 as @aws-sdk/client-cloudwatch speaks it
 * (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, application/x-amz-json-1.0, PutMetricData
 * bodies gzip-compressed above 10 KB), so the unmodified SDK works against the local CloudWatch. Errors
 * are CloudWatch's awsQuery-compatible shape: `{"__type": "com.amazonaws.cloudwatch#<Shape>", "message"}`
 * and `x-amzn-query-error: <Code>;Sender`. Timestamps are epoch seconds both ways.
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import {
  type AwsJsonResponse,
  type StartedAwsJsonServer,
  startAwsJsonServer,
  withEpochSeconds,
} from '../aws-json-server.ts';
import { CloudWatchApiError, UnknownOperationError } from './errors.ts';
import type { CloudWatchStandIn } from './stand-in.ts';

const SHAPE_NAMESPACE = 'com.amazonaws.cloudwatch#';
const gunzipAsync = promisify(gunzip);

export type StartedCloudWatchApi = StartedAwsJsonServer;

export function startCloudWatchApi(
  standIn: CloudWatchStandIn,
  options: { port?: number },
): Promise<StartedCloudWatchApi> {
  return startAwsJsonServer(
    {
      contentType: 'application/x-amz-json-1.0',
      targetPrefix: 'GraniteServiceVersion20100801.',
      // The stand-in names the operations it serves; it refuses the others itself.
      isOperation: (name): name is string => name !== '',
      run: (operation, input) => withEpochSeconds(standIn.handle(operation, input)),
      unknownOperation: (target) => new UnknownOperationError(target),
      invalidJson: (cause) =>
        new CloudWatchApiError('InvalidParameterValue', 'The request body is not valid JSON.', {}, { cause }),
      decodeBody,
      apiError,
      internalError: {
        type: `${SHAPE_NAMESPACE}InternalServiceFault`,
        headers: { 'x-amzn-query-error': 'InternalServiceError;Receiver' },
      },
    },
    options.port,
  );
}

function apiError(error: unknown): AwsJsonResponse | undefined {
  if (error instanceof CloudWatchApiError) {
    const fault = error.status >= 500 ? 'Receiver' : 'Sender';
    return {
      status: error.status,
      body: { __type: `${SHAPE_NAMESPACE}${error.shape}`, message: error.message },
      headers: { 'x-amzn-query-error': `${error.code};${fault}` },
    };
  }
  if (error instanceof UnknownOperationError) {
    return {
      status: 400,
      body: { __type: 'com.amazon.coral.service#UnknownOperationException', message: error.message },
    };
  }
  return undefined;
}

async function decodeBody(raw: Buffer, request: IncomingMessage): Promise<string> {
  const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'gzip') return raw.toString('utf8');
  try {
    return (await gunzipAsync(raw)).toString('utf8');
  } catch (error) {
    throw new CloudWatchApiError(
      'InvalidParameterValue',
      'The gzip request body does not decompress.',
      {},
      { cause: error },
    );
  }
}
