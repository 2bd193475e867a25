/**
 * Builds an HTTP API (payload 2.0) Lambda handler: the event reduced to an HttpRequest, the use case's
 * HttpResponse returned as API Gateway expects it, the Lambda context on every log line and EMF metrics
 * flushed after each invocation. No middy onion and no zod event schema: API Gateway already shaped the
 * event, a request costs microseconds, and classic zod must stay out of the serving bundles.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context as LambdaContext,
} from 'aws-lambda';
import type { HttpRequest, HttpResponse } from '../../core/serving/http.ts';
import { logger, metrics } from './observability.ts';

export interface HttpFunctionSpec {
  /** The function's key in serverless.yml, used in messages. */
  readonly functionKey: string;
  readonly handle: (request: HttpRequest) => Promise<HttpResponse>;
  /** Runs after each invocation, answered or failed (e.g. publishing buffered metrics). */
  readonly afterInvocation?: () => void;
}

export type HttpLambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: LambdaContext,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The defined values of an event's map (headers with lower-cased names), own keys only. */
function definedValues(
  source: Readonly<Record<string, string | undefined>> | undefined,
  lowerCaseKeys = false,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (source === undefined || source === null) return out;
  for (const key in source) {
    const value = source[key];
    if (Object.hasOwn(source, key) && value !== undefined)
      out[lowerCaseKeys ? key.toLowerCase() : key] = value;
  }
  return out;
}

/** An API Gateway HTTP API event (payload 2.0) as the serving use cases see it. */
export function httpRequestOf(event: APIGatewayProxyEventV2): HttpRequest {
  const body =
    event.body === undefined || event.body === null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  return {
    method: event.requestContext.http.method,
    routeKey: event.routeKey,
    path: event.rawPath,
    pathParameters: definedValues(event.pathParameters),
    query: definedValues(event.queryStringParameters),
    headers: definedValues(event.headers, true),
    body,
    requestId: event.requestContext.requestId,
  };
}

function internalError(requestId: string | undefined): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 500,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'Internal Server Error', requestId }),
  };
}

export function httpLambdaHandler(spec: HttpFunctionSpec): HttpLambdaHandler {
  // Powertools checks its cold-start flag through invocation-scoped storage on every call; once is enough.
  let coldStartCaptured = false;
  return async (event, context) => {
    logger.addContext(context);
    if (!coldStartCaptured) {
      coldStartCaptured = true;
      metrics.captureColdStartMetric(context.functionName);
    }
    try {
      const response = await spec.handle(httpRequestOf(event));
      return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
    } catch (error) {
      // The use case answers every request itself; reaching here is a bug (or a cold-start wiring failure).
      if (error instanceof Error) logger.error(`${spec.functionKey} failed`, error);
      else logger.error(`${spec.functionKey} failed`, { error: String(error) });
      return internalError(event.requestContext?.requestId);
    } finally {
      // Publishing an empty buffer only logs a warning; dimensioned metrics were already flushed.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      spec.afterInvocation?.();
    }
  };
}
