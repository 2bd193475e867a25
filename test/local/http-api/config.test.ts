import { describe, expect, it } from 'vitest';
import { StackConfigError } from '../../../local/config/errors.ts';
import { deriveHttpApi } from '../../../local/config/http-api.ts';
import type { PrintedServerlessConfig } from '../../../local/config/printed-schema.ts';
import { printedConfigSchema } from '../../../local/config/printed-schema.ts';
import type { FunctionConfig } from '../../../local/config/stack-config.ts';
import { poolSizes } from '../../../local/lambda/pool-sizes.ts';

function printed(extra: { provider?: Record<string, unknown>; functions: Record<string, unknown> }) {
  return printedConfigSchema.parse({
    service: 'svc',
    provider: { name: 'aws', stage: 'local', ...extra.provider },
    functions: extra.functions,
  }) as PrintedServerlessConfig;
}

const authorizers = {
  apiKey: {
    type: 'request',
    functionName: 'auth',
    identitySource: '$request.header.Authorization',
    resultTtlInSeconds: '60',
    enableSimpleResponses: true,
    payloadVersion: '2.0',
  },
};

describe('deriveHttpApi', () => {
  it('reads the routes of every form and the request authorizers', () => {
    const config = deriveHttpApi(
      printed({
        provider: { httpApi: { authorizers } },
        functions: {
          api: {
            handler: 'functions/api.handler',
            events: [
              { httpApi: 'GET /health' },
              { httpApi: { method: 'post', path: '/items/{id}', authorizer: { name: 'apiKey' } } },
              { httpApi: { method: '*', path: '/files/{proxy+}', authorizer: 'apiKey' } },
              { s3: 'data' },
            ],
          },
          fallback: { handler: 'functions/fallback.handler', events: [{ httpApi: '*' }] },
          auth: { handler: 'functions/auth.handler' },
        },
      }),
    );
    expect(config.routes).toEqual([
      { routeKey: 'GET /health', method: 'GET', path: '/health', functionKey: 'api' },
      {
        routeKey: 'POST /items/{id}',
        method: 'POST',
        path: '/items/{id}',
        functionKey: 'api',
        authorizer: 'apiKey',
      },
      {
        routeKey: 'ANY /files/{proxy+}',
        method: 'ANY',
        path: '/files/{proxy+}',
        functionKey: 'api',
        authorizer: 'apiKey',
      },
      { routeKey: '$default', method: '', path: '', functionKey: 'fallback' },
    ]);
    expect(config.authorizers.apiKey).toEqual({
      name: 'apiKey',
      functionKey: 'auth',
      identitySources: [
        { expression: '$request.header.Authorization', from: 'header', name: 'authorization' },
      ],
      resultTtlSeconds: 60,
      simpleResponses: true,
    });
  });

  it('refuses what cannot run locally, naming the place in serverless.yml', () => {
    const withRoute =
      (httpApi: unknown, provider: Record<string, unknown> = {}) =>
      () =>
        deriveHttpApi(
          printed({
            provider,
            functions: {
              api: { handler: 'f.handler', events: [{ httpApi }] },
              auth: { handler: 'a.handler' },
            },
          }),
        );
    expect(withRoute({ method: 'GET', path: '/x', authorizer: { name: 'missing' } })).toThrow(
      /functions\.api\.events\[0\]\.httpApi\.authorizer: only authorizers of provider\.httpApi\.authorizers/,
    );
    expect(
      withRoute('GET /x', { httpApi: { authorizers: { jwt: { identitySource: '$request.header.A' } } } }),
    ).toThrow(/provider\.httpApi\.authorizers\.jwt: only Lambda \(type: request\) authorizers/);
    expect(
      withRoute('GET /x', {
        httpApi: {
          authorizers: { a: { type: 'request', functionName: 'auth', identitySource: '$context.x' } },
        },
      }),
    ).toThrow(/only \$request\.header/);
    expect(withRoute('GET /x', { httpApi: { payload: '1.0' } })).toThrow(/payload format 2\.0/);
    expect(withRoute('GET /{proxy+}/tail')).toThrow(/greedy/);
    expect(withRoute('FETCH /x')).toThrow(StackConfigError);
  });

  it('gives functions behind the HTTP API a sandbox per core', () => {
    const httpApi = deriveHttpApi(
      printed({
        provider: { httpApi: { authorizers } },
        functions: {
          api: { handler: 'f.handler', events: [{ httpApi: 'GET /x' }] },
          auth: { handler: 'a.handler' },
          other: { handler: 'o.handler' },
        },
      }),
    );
    const fn = (key: string): FunctionConfig => ({
      key,
      name: `svc-local-${key}`,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:svc-local-${key}`,
      handler: { module: `functions/${key}`, exportName: 'handler' },
      timeoutSeconds: 6,
      memorySizeMb: 1024,
      environment: {},
      s3Events: [],
    });
    const sizes = poolSizes(
      { functions: { api: fn('api'), auth: fn('auth'), other: fn('other') }, stateMachines: [], httpApi },
      () => 'none',
      {},
      4,
    );
    expect(sizes).toEqual({ api: 4, auth: 4, other: 2 });
  });
});
