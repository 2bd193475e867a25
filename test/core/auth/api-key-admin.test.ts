/** createApiKey / listApiKeys / revokeApiKey on the in-memory table. */
import { beforeEach, describe, expect, it } from 'vitest';
import { type GeneratedApiKey, generateApiKey, parseApiKey } from '../../../layers/core/auth/api-key.ts';
import { InvalidApiKeyNameError, MAX_API_KEY_NAME_LENGTH } from '../../../layers/core/auth/api-key-name.ts';
import { createApiKey } from '../../../layers/core/auth/create-api-key.ts';
import { listApiKeys } from '../../../layers/core/auth/list-api-keys.ts';
import { revokeApiKey } from '../../../layers/core/auth/revoke-api-key.ts';
import { ConflictError, NotFoundError } from '../../../layers/core/errors.ts';
import { MemoryApiKeys } from '../../support/memory-api-keys.ts';
import { FixedClock } from '../../support/memory-ports.ts';

let apiKeys: MemoryApiKeys;
let clock: FixedClock;

beforeEach(() => {
  apiKeys = new MemoryApiKeys();
  clock = new FixedClock(new Date('2026-03-01T10:00:00.000Z'));
});

describe('createApiKey', () => {
  it('returns the key once and stores a record without its secret', async () => {
    const { key, record } = await createApiKey({ apiKeys, clock }, { name: 'ci', actor: 'cli:alice' });
    const parsed = parseApiKey(key);
    expect(parsed?.keyId).toBe(record.keyId);
    expect(record).toEqual({
      keyId: record.keyId,
      name: 'ci',
      secretSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: '2026-03-01T10:00:00.000Z',
      createdBy: 'cli:alice',
    });
    const stored = await apiKeys.get(record.keyId);
    expect(stored).toEqual(record);
    expect(JSON.stringify(stored)).not.toContain(parsed?.secret);
  });

  it('draws another key when the id is taken', async () => {
    const taken = generateApiKey();
    const fresh = generateApiKey();
    await apiKeys.create({
      keyId: taken.keyId,
      name: 'existing',
      secretSha256: taken.secretSha256,
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'test',
    });
    const draws: GeneratedApiKey[] = [taken, fresh];
    const created = await createApiKey(
      { apiKeys, clock, generateKey: () => draws.shift() ?? generateApiKey() },
      { name: 'second', actor: 'test' },
    );
    expect(created.key).toBe(fresh.key);
    expect((await apiKeys.get(taken.keyId))?.name).toBe('existing');
  });

  it('gives up with ConflictError after three taken ids', async () => {
    const taken = generateApiKey();
    await apiKeys.create({
      keyId: taken.keyId,
      name: 'existing',
      secretSha256: taken.secretSha256,
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'test',
    });
    let draws = 0;
    const creating = createApiKey(
      {
        apiKeys,
        clock,
        generateKey: () => {
          draws++;
          return taken;
        },
      },
      { name: 'unlucky', actor: 'test' },
    );
    await expect(creating).rejects.toBeInstanceOf(ConflictError);
    expect(draws).toBe(3);
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    [' ci', 'must not start or end with whitespace'],
    ['x'.repeat(MAX_API_KEY_NAME_LENGTH + 1), `must be at most ${MAX_API_KEY_NAME_LENGTH} characters`],
    ['ci\nINFO forged log line', 'must not contain control characters'],
  ])('refuses the name %j (%s)', async (name, problem) => {
    const creating = createApiKey({ apiKeys, clock }, { name, actor: 'test' });
    await expect(creating).rejects.toBeInstanceOf(InvalidApiKeyNameError);
    await expect(creating).rejects.toThrow(problem);
    expect(await apiKeys.list()).toEqual([]);
  });

  it('accepts a name of exactly the limit, counted in characters', async () => {
    const name = '🔑'.repeat(MAX_API_KEY_NAME_LENGTH);
    const { record } = await createApiKey({ apiKeys, clock }, { name, actor: 'test' });
    expect(record.name).toBe(name);
  });
});

describe('listApiKeys and revokeApiKey', () => {
  it('lists oldest first and revokes once, keeping the first revocation time', async () => {
    const a = await createApiKey({ apiKeys, clock }, { name: 'a', actor: 'test' });
    clock.advance(1000);
    const b = await createApiKey({ apiKeys, clock }, { name: 'b', actor: 'test' });
    expect((await listApiKeys({ apiKeys })).map((r) => r.name)).toEqual(['a', 'b']);

    clock.advance(1000);
    const revoked = await revokeApiKey({ apiKeys, clock }, a.record.keyId);
    expect(revoked).toEqual({ ...a.record, revokedAt: '2026-03-01T10:00:02.000Z' });
    clock.advance(1000);
    expect((await revokeApiKey({ apiKeys, clock }, a.record.keyId)).revokedAt).toBe(
      '2026-03-01T10:00:02.000Z',
    );
    expect(await listApiKeys({ apiKeys })).toEqual([revoked, b.record]);
  });

  it('throws NotFoundError for an unknown or malformed key id', async () => {
    await expect(revokeApiKey({ apiKeys, clock }, generateApiKey().keyId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(revokeApiKey({ apiKeys, clock }, '')).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeApiKey({ apiKeys, clock }, 'ABCDEF012345')).rejects.toBeInstanceOf(NotFoundError);
  });
});
