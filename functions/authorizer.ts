/**
 * The HTTP API's Lambda authorizer (request type, payload format 2.0, simple responses): looks the bearer
 * API key up in the keys table and answers `{isAuthorized, context: {keyId, keyName}}`. Refusals are logged
 * with the key id and reason, never the secret; the client only gets API Gateway's 403.
 *
 * No decision is cached in the container: a revoked key must be refused on its next lookup. API Gateway's
 * own authorizer cache (resultTtlInSeconds 60, keyed by the Authorization header) already absorbs repeated
 * calls with the same key, so a container cache would only lengthen the time a revocation takes.
 */
import type { Context } from 'aws-lambda';
import { connectDynamoApiKeys } from '../layers/aws/dynamo-api-keys.ts';
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { logger } from '../layers/aws/lambda/observability.ts';
import { type AuthorizedContext, authorize } from '../layers/core/auth/authorize.ts';
import type { ApiKeys } from '../layers/core/ports.ts';

export interface AuthorizerDeps {
  readonly apiKeys: Pick<ApiKeys, 'get'>;
}

/** A simple response; context only when authorized. */
export interface AuthorizerResponse {
  readonly isAuthorized: boolean;
  readonly context?: AuthorizedContext;
}

const env = parseEnv(['API_KEYS_TABLE']);

let depsForTest: AuthorizerDeps | undefined;
let connecting: Promise<AuthorizerDeps> | undefined;

/** Built on the first invocation (the SDK is imported then, not at cold start) and reused while warm. */
function authorizerDeps(): Promise<AuthorizerDeps> {
  if (depsForTest !== undefined) return Promise.resolve(depsForTest);
  connecting ??= connectDynamoApiKeys(env.API_KEYS_TABLE).then(
    (apiKeys) => ({ apiKeys }),
    (error: unknown) => {
      connecting = undefined; // the next invocation tries again
      throw error;
    },
  );
  return connecting;
}

/** Test seam: the handler uses these deps instead of DynamoDB until reset with undefined. */
export function setAuthorizerDepsForTest(deps: AuthorizerDeps | undefined): void {
  depsForTest = deps;
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The Authorization value: the identity source API Gateway resolved (`$request.header.Authorization`),
 * else the header itself, whose name API Gateway lower-cases in payload 2.0 but a hand-made event may not.
 */
export function authorizationOf(event: unknown): string | undefined {
  const fields = record(event);
  const identity = fields?.identitySource;
  if (Array.isArray(identity) && typeof identity[0] === 'string') return identity[0];
  const headers = record(fields?.headers) ?? {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') return value;
  }
  return undefined;
}

export async function handler(event: unknown, context?: Context): Promise<AuthorizerResponse> {
  if (context !== undefined) logger.addContext(context);
  const decision = await authorize(await authorizerDeps(), authorizationOf(event));
  if (decision.isAuthorized) return { isAuthorized: true, context: decision.context };
  const routeArn = record(event)?.routeArn;
  logger.warn('API key refused', {
    reason: decision.reason,
    keyId: decision.keyId,
    routeArn: typeof routeArn === 'string' ? routeArn : undefined,
  });
  return { isAuthorized: false };
}
