/**
 * The authorizer handler on the sample events in events/: simple responses only (`isAuthorized`, and the
 * key's id and name when authorized), refusals logged with key id and reason but never the secret, the
 * DynamoDB deps built from the env on first use, and no SDK import at module load.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoApiKeys } from '../../layers/aws/dynamo-api-keys.ts';
import { parseApiKey, sha256Hex } from '../../layers/core/auth/api-key.ts';
import { createApiKey } from '../../layers/core/auth/create-api-key.ts';
import { API_KEYS_TABLE, type LocalServices, startLocalServices } from '../support/local-services.ts';
import { MemoryApiKeys } from '../support/memory-api-keys.ts';
import { FixedClock } from '../support/memory-ports.ts';
import { lambdaContext } from './lambda-context.ts';
import { stubLambdaEnv } from './lambda-env.ts';
import { sampleEvent } from './sample-events.ts';

stubLambdaEnv();
vi.stubEnv('API_KEYS_TABLE', API_KEYS_TABLE);
const { handler, setAuthorizerDepsForTest, authorizationOf } = await import('../../functions/authorizer.ts');
const { logger } = await import('../../layers/aws/lambda/observability.ts');

const context = lambdaContext('authorizer');

/** The sample event's key, stored under `name` (optionally revoked) in a fresh in-memory table. */
async function tableWithSampleKey(name: string, revokedAt?: string): Promise<MemoryApiKeys> {
  const event = await sampleEvent('authorizer');
  const parsed = parseApiKey(authorizationOf(event)?.replace(/^Bearer /, '') ?? '');
  if (parsed === undefined) throw new Error('events/authorizer.json does not carry a well-formed key');
  const apiKeys = new MemoryApiKeys();
  await apiKeys.create({
    keyId: parsed.keyId,
    name,
    secretSha256: sha256Hex(parsed.secret),
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'test',
    ...(revokedAt === undefined ? {} : { revokedAt }),
  });
  return apiKeys;
}

afterEach(() => {
  setAuthorizerDepsForTest(undefined);
  vi.restoreAllMocks();
});

describe('the authorizer on sample events', () => {
  it('authorizes events/authorizer.json when its key is in the table, with id and name as context', async () => {
    const apiKeys = await tableWithSampleKey('ci');
    setAuthorizerDepsForTest({ apiKeys });
    const event = await sampleEvent('authorizer');
    const keyId = (await apiKeys.list())[0]?.keyId;
    expect(await handler(event, context)).toEqual({ isAuthorized: true, context: { keyId, keyName: 'ci' } });
    expect(apiKeys.lookups).toEqual([keyId]);
  });

  it('refuses the same event once the key is revoked: no context, no reason, a log line with the key id', async () => {
    const apiKeys = await tableWithSampleKey('ci', '2026-01-02T00:00:00.000Z');
    setAuthorizerDepsForTest({ apiKeys });
    const warn = vi.spyOn(logger, 'warn');
    const event = await sampleEvent('authorizer');
    expect(await handler(event, context)).toEqual({ isAuthorized: false });
    const keyId = (await apiKeys.list())[0]?.keyId;
    expect(warn).toHaveBeenCalledWith('API key refused', {
      reason: 'revoked',
      keyId,
      routeArn: event.routeArn,
    });
    const secret = authorizationOf(event)?.slice(-43) ?? '';
    expect(JSON.stringify(warn.mock.calls)).not.toContain(secret);
  });

  it('refuses a key the table does not hold, logging only its public id', async () => {
    setAuthorizerDepsForTest({ apiKeys: new MemoryApiKeys() });
    const warn = vi.spyOn(logger, 'warn');
    const event = await sampleEvent('authorizer');
    expect(await handler(event, context)).toEqual({ isAuthorized: false });
    const header = authorizationOf(event) ?? '';
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ reason: 'unknown-key', keyId: header.slice(11, 23) });
    expect(JSON.stringify(warn.mock.calls)).not.toContain(header.slice(-43));
  });

  it('refuses events/authorizer-not-bearer.json without a table lookup', async () => {
    const apiKeys = await tableWithSampleKey('ci');
    setAuthorizerDepsForTest({ apiKeys });
    const warn = vi.spyOn(logger, 'warn');
    expect(await handler(await sampleEvent('authorizer-not-bearer'), context)).toEqual({
      isAuthorized: false,
    });
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ reason: 'not-bearer', keyId: undefined });
    expect(apiKeys.lookups).toEqual([]);
  });

  it('reads the header when the event has no identity source, whatever its case', async () => {
    const apiKeys = await tableWithSampleKey('ci');
    setAuthorizerDepsForTest({ apiKeys });
    const event = await sampleEvent('authorizer');
    const header = authorizationOf(event);
    delete event.identitySource;
    event.headers = { Authorization: header };
    expect((await handler(event, context)).isAuthorized).toBe(true);
  });

  it('refuses events that are not authorizer events at all', async () => {
    setAuthorizerDepsForTest({ apiKeys: new MemoryApiKeys() });
    for (const event of [null, undefined, 'Bearer x', [], { identitySource: [42] }, { headers: 'x' }]) {
      expect(await handler(event, context), JSON.stringify(event)).toEqual({ isAuthorized: false });
    }
  });
});

describe('the authorizer on DynamoDB', () => {
  let services: LocalServices;

  beforeAll(async () => {
    services = await startLocalServices();
  });

  afterAll(async () => {
    await services?.stop();
  });

  it('builds its table client from API_KEYS_TABLE and the standard endpoint variables on first use', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', services.dynamoEndpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const admin = { apiKeys: new DynamoApiKeys(services.doc, API_KEYS_TABLE), clock: new FixedClock() };
    const { key, record } = await createApiKey(admin, { name: 'deployed', actor: 'test' });
    const event = { ...(await sampleEvent('authorizer')), identitySource: [`Bearer ${key}`] };
    expect(await handler(event, context)).toEqual({
      isAuthorized: true,
      context: { keyId: record.keyId, keyName: 'deployed' },
    });
    await admin.apiKeys.revoke(record.keyId, '2026-01-01T00:00:01.000Z');
    expect(await handler(event, context)).toEqual({ isAuthorized: false });
  });
});
