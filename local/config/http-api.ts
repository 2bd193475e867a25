/**
 * The HTTP API of the stack as API Gateway builds it from serverless.yml: one route per `httpApi` event
 * (`METHOD /path`, `ANY` for `*`, the `$default` route for a bare `*`) and the Lambda authorizers of
 * `provider.httpApi.authorizers`. Only what runs locally is accepted: a route protected by an authorizer
 * that cannot run here is a configuration error, never a silently open route.
 */
import { z } from 'zod';
import { StackConfigError } from './errors.ts';
import { parseConfig } from './parse-config.ts';
import type { PrintedServerlessConfig } from './printed-schema.ts';

export interface HttpRouteConfig {
  /** API Gateway's routeKey: `GET /models/{name}`, `ANY /files/{proxy+}` or `$default`. */
  readonly routeKey: string;
  /** Upper case; `ANY` matches every method. Empty for `$default`. */
  readonly method: string;
  /** Empty for `$default`. */
  readonly path: string;
  readonly functionKey: string;
  /** The name of an authorizer of HttpApiConfig.authorizers. */
  readonly authorizer?: string;
}

/** Where an identity source value is read: `$request.header.Authorization`, `$request.querystring.key`. */
export interface IdentitySource {
  readonly expression: string;
  readonly from: 'header' | 'querystring';
  /** Lower case for headers, as the event's header names are. */
  readonly name: string;
}

export interface HttpAuthorizerConfig {
  readonly name: string;
  readonly functionKey: string;
  readonly identitySources: readonly IdentitySource[];
  /** 0: no caching. */
  readonly resultTtlSeconds: number;
  /** `{isAuthorized, context}` answers; otherwise an IAM policy. */
  readonly simpleResponses: boolean;
}

export interface HttpApiConfig {
  readonly routes: readonly HttpRouteConfig[];
  readonly authorizers: Readonly<Record<string, HttpAuthorizerConfig>>;
}

/** serverless's defaults for a request authorizer. */
const DEFAULT_RESULT_TTL_SECONDS = 300;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

const authorizerRefSchema = z.union([
  z.string(),
  z.looseObject({ name: z.string().optional(), id: z.unknown().optional(), type: z.string().optional() }),
]);
const httpApiEventSchema = z.union([
  z.string(),
  z.looseObject({
    method: z.string().optional(),
    path: z.string().optional(),
    authorizer: authorizerRefSchema.optional(),
  }),
]);
const authorizerSchema = z.looseObject({
  type: z.string().optional(),
  functionName: z.string().optional(),
  functionArn: z.unknown().optional(),
  identitySource: z.union([z.string(), z.array(z.string())]).optional(),
  resultTtlInSeconds: z.coerce.number().int().min(0).max(3600).optional(),
  enableSimpleResponses: z.boolean().optional(),
  payloadVersion: z.union([z.string(), z.number()]).optional(),
});

export function deriveHttpApi(config: PrintedServerlessConfig): HttpApiConfig {
  const functionKeys = new Set(Object.keys(config.functions ?? {}));
  const payload = config.provider.httpApi?.payload;
  if (payload !== undefined && String(payload) !== '2.0') {
    throw new StackConfigError(
      `provider.httpApi.payload: only payload format 2.0 runs locally, got ${String(payload)}`,
      { payload },
    );
  }
  const authorizers: Record<string, HttpAuthorizerConfig> = {};
  for (const [name, raw] of Object.entries(config.provider.httpApi?.authorizers ?? {})) {
    authorizers[name] = deriveAuthorizer(name, raw, functionKeys);
  }
  const routes: HttpRouteConfig[] = [];
  const seen = new Map<string, string>();
  for (const [functionKey, fn] of Object.entries(config.functions ?? {})) {
    (fn.events ?? []).forEach((event, index) => {
      if (event.httpApi === undefined) return;
      const path = `functions.${functionKey}.events[${index}].httpApi`;
      const route = deriveRoute(functionKey, event.httpApi, path, authorizers);
      const other = seen.get(route.routeKey);
      if (other !== undefined) {
        throw new StackConfigError(`${path}: route "${route.routeKey}" is also defined by ${other}`, {
          path,
          routeKey: route.routeKey,
        });
      }
      seen.set(route.routeKey, path);
      routes.push(route);
    });
  }
  return { routes, authorizers };
}

function deriveRoute(
  functionKey: string,
  raw: unknown,
  path: string,
  authorizers: Readonly<Record<string, HttpAuthorizerConfig>>,
): HttpRouteConfig {
  const event = parseConfig(httpApiEventSchema, raw, path);
  let method: string;
  let routePath: string;
  if (typeof event === 'string') {
    if (event.trim() === '*') return { routeKey: '$default', method: '', path: '', functionKey };
    const [first, second, ...rest] = event.trim().split(/\s+/);
    if (second === undefined || rest.length > 0) {
      throw new StackConfigError(`${path}: "${event}" is not "METHOD /path" or "*"`, { path });
    }
    method = first;
    routePath = second;
  } else {
    if (event.method === undefined || event.path === undefined) {
      throw new StackConfigError(`${path}: method and path are required`, { path });
    }
    method = event.method;
    routePath = event.path;
  }
  method = method === '*' ? 'ANY' : method.toUpperCase();
  if (!METHODS.has(method)) throw new StackConfigError(`${path}: unknown method "${method}"`, { path });
  if (!routePath.startsWith('/')) {
    throw new StackConfigError(`${path}: path "${routePath}" must start with /`, { path });
  }
  const greedy = routePath.indexOf('+}');
  if (greedy >= 0 && greedy !== routePath.length - 2) {
    throw new StackConfigError(`${path}: a greedy {name+} variable must end the path "${routePath}"`, {
      path,
    });
  }
  const route = { routeKey: `${method} ${routePath}`, method, path: routePath, functionKey };
  const authorizer = typeof event === 'string' ? undefined : event.authorizer;
  if (authorizer === undefined) return route;
  const name = typeof authorizer === 'string' ? authorizer : authorizer.name;
  if (name === undefined || authorizers[name] === undefined) {
    throw new StackConfigError(
      `${path}.authorizer: only authorizers of provider.httpApi.authorizers run locally (${Object.keys(authorizers).join(', ') || 'none defined'}), got ${JSON.stringify(authorizer)}`,
      { path },
    );
  }
  return { ...route, authorizer: name };
}

function deriveAuthorizer(
  name: string,
  raw: unknown,
  functionKeys: ReadonlySet<string>,
): HttpAuthorizerConfig {
  const path = `provider.httpApi.authorizers.${name}`;
  const authorizer = parseConfig(authorizerSchema, raw, path);
  if (authorizer.type?.toLowerCase() !== 'request') {
    throw new StackConfigError(
      `${path}: only Lambda (type: request) authorizers run locally, got type ${authorizer.type ?? 'jwt (the default)'}`,
      { path },
    );
  }
  const functionKey = authorizer.functionName;
  if (functionKey === undefined || !functionKeys.has(functionKey)) {
    throw new StackConfigError(
      `${path}.functionName: the authorizer must be a function of this service (functionArn cannot run locally), got ${functionKey ?? 'none'}`,
      { path },
    );
  }
  if (authorizer.payloadVersion !== undefined && String(authorizer.payloadVersion) !== '2.0') {
    throw new StackConfigError(`${path}.payloadVersion: only 2.0 runs locally`, { path });
  }
  const expressions =
    authorizer.identitySource === undefined
      ? []
      : typeof authorizer.identitySource === 'string'
        ? authorizer.identitySource.split(',').map((part) => part.trim())
        : authorizer.identitySource;
  const resultTtlSeconds = authorizer.resultTtlInSeconds ?? DEFAULT_RESULT_TTL_SECONDS;
  return {
    name,
    functionKey,
    identitySources: expressions.map((expression) => identitySource(expression, `${path}.identitySource`)),
    // API Gateway caches by the identity source values: without any there is nothing to key a cache on.
    resultTtlSeconds: expressions.length === 0 ? 0 : resultTtlSeconds,
    simpleResponses: authorizer.enableSimpleResponses ?? false,
  };
}

function identitySource(expression: string, path: string): IdentitySource {
  const match = /^\$request\.(header|querystring)\.(.+)$/.exec(expression);
  if (!match) {
    throw new StackConfigError(
      `${path}: "${expression}" — only $request.header.<name> and $request.querystring.<name> run locally`,
      { path, expression },
    );
  }
  const from = match[1] as 'header' | 'querystring';
  return { expression, from, name: from === 'header' ? match[2].toLowerCase() : match[2] };
}
