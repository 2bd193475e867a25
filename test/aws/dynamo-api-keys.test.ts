/** DynamoApiKeys on dynalite, with the table shaped as serverless.yml declares ApiKeysTable. */
import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoApiKeys } from '../../layers/aws/dynamo-api-keys.ts';
import { generateApiKey, parseApiKey } from '../../layers/core/auth/api-key.ts';
import { authorize } from '../../layers/core/auth/authorize.ts';
import { createApiKey } from '../../layers/core/auth/create-api-key.ts';
import { revokeApiKey } from '../../layers/core/auth/revoke-api-key.ts';
import { ConflictError, NotFoundError } from '../../layers/core/errors.ts';
import type { ApiKeyRecord } from '../../layers/core/ports.ts';
import { API_KEYS_TABLE, type LocalServices, startLocalServices } from '../support/local-services.ts';
import { FixedClock } from '../support/memory-ports.ts';

let services: LocalServices;
let apiKeys: DynamoApiKeys;

beforeAll(async () => {
  services = await startLocalServices();
  apiKeys = new DynamoApiKeys(services.doc, API_KEYS_TABLE);
});

afterAll(async () => {
  await services?.stop();
});

function recordFor(name: string, createdAt: string): ApiKeyRecord {
  const { keyId, secretSha256 } = generateApiKey();
  return { keyId, name, secretSha256, createdAt, createdBy: 'test' };
}

async function rawItem(keyId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await services.doc.send(new GetCommand({ TableName: API_KEYS_TABLE, Key: { keyId } }));
  return Item;
}

describe('DynamoApiKeys on dynalite', () => {
  it('stores the record and only the record: no secret in the item', async () => {
    const clock = new FixedClock(new Date('2026-04-01T00:00:00.000Z'));
    const { key, record } = await createApiKey({ apiKeys, clock }, { name: 'ci', actor: 'cli:bob' });
    const secret = parseApiKey(key)?.secret ?? '';
    expect(secret).toHaveLength(43);
    const item = await rawItem(record.keyId);
    expect(item).toEqual({ ...record });
    expect(JSON.stringify(item)).not.toContain(secret);
    expect(await apiKeys.get(record.keyId)).toEqual(record);
    expect((await authorize({ apiKeys }, `Bearer ${key}`)).isAuthorized).toBe(true);
  });

  it('refuses a second create with the same key id (ConflictError) and keeps the first', async () => {
    const first = recordFor('first', '2026-04-02T00:00:00.000Z');
    await apiKeys.create(first);
    const second = { ...recordFor('second', '2026-04-02T00:00:01.000Z'), keyId: first.keyId };
    await expect(apiKeys.create(second)).rejects.toBeInstanceOf(ConflictError);
    expect(await apiKeys.get(first.keyId)).toEqual(first);
  });

  it('revokes idempotently: the first revocation time stays', async () => {
    const record = recordFor('to-revoke', '2026-04-03T00:00:00.000Z');
    await apiKeys.create(record);
    const revoked = await apiKeys.revoke(record.keyId, '2026-04-03T01:00:00.000Z');
    expect(revoked).toEqual({ ...record, revokedAt: '2026-04-03T01:00:00.000Z' });
    expect(await apiKeys.revoke(record.keyId, '2026-04-03T02:00:00.000Z')).toEqual(revoked);
    expect(await apiKeys.get(record.keyId)).toEqual(revoked);
  });

  it('revoking an unknown key throws NotFoundError and creates nothing', async () => {
    const { keyId } = generateApiKey();
    await expect(apiKeys.revoke(keyId, '2026-04-04T00:00:00.000Z')).rejects.toBeInstanceOf(NotFoundError);
    expect(await rawItem(keyId)).toBeUndefined();
    await expect(revokeApiKey({ apiKeys, clock: new FixedClock() }, keyId)).rejects.toThrow(keyId);
  });

  it('get of an unknown key is undefined; a revoked key is refused by authorize', async () => {
    expect(await apiKeys.get(generateApiKey().keyId)).toBeUndefined();
    const { key, record } = await createApiKey(
      { apiKeys, clock: new FixedClock() },
      { name: 'short-lived', actor: 'test' },
    );
    await revokeApiKey({ apiKeys, clock: new FixedClock() }, record.keyId);
    expect(await authorize({ apiKeys }, `Bearer ${key}`)).toMatchObject({
      isAuthorized: false,
      reason: 'revoked',
    });
  });

  it('lists every key oldest first, across scan pages', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      recordFor(
        `bulk-${i}-${'x'.repeat(40_000)}`,
        `2026-05-01T00:00:${String(59 - i).padStart(2, '0')}.000Z`,
      ),
    );
    // Names past the 64-character rule are the adapter's concern only here: ~40 KB items force Scan to page.
    await Promise.all(many.map((record) => apiKeys.create(record)));
    const send = vi.spyOn(services.doc, 'send');
    const listed = await apiKeys.list();
    const scans = send.mock.calls.filter(([command]) => command instanceof ScanCommand);
    send.mockRestore();
    expect(scans.length).toBeGreaterThan(1);
    const bulk = listed.filter((r) => r.name.startsWith('bulk-'));
    expect(bulk).toHaveLength(30);
    expect(bulk.map((r) => r.createdAt)).toEqual([...many.map((r) => r.createdAt)].sort());
    const createdAts = listed.map((r) => r.createdAt);
    expect(createdAts).toEqual([...createdAts].sort());
  });

  it('refuses an item that lacks a record field rather than returning half a record', async () => {
    const { keyId } = generateApiKey();
    await services.doc.send(
      new PutCommand({ TableName: API_KEYS_TABLE, Item: { keyId, name: 'hand-made', createdAt: 'x' } }),
    );
    await expect(apiKeys.get(keyId)).rejects.toThrow(/lacks one of/);
    await services.doc.send(new DeleteCommand({ TableName: API_KEYS_TABLE, Key: { keyId } }));
  });
});
