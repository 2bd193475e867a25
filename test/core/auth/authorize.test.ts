/** authorize: only a well-formed bearer key whose secret matches an unrevoked record gets through. */
import { beforeEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../layers/core/auth/api-key.ts';
import { authorize } from '../../../layers/core/auth/authorize.ts';
import { createApiKey } from '../../../layers/core/auth/create-api-key.ts';
import { revokeApiKey } from '../../../layers/core/auth/revoke-api-key.ts';
import { MemoryApiKeys } from '../../support/memory-api-keys.ts';
import { FixedClock } from '../../support/memory-ports.ts';

let apiKeys: MemoryApiKeys;
let clock: FixedClock;

beforeEach(() => {
  apiKeys = new MemoryApiKeys();
  clock = new FixedClock();
});

async function newKey(name = 'ci'): Promise<{ key: string; keyId: string }> {
  const { key, record } = await createApiKey({ apiKeys, clock }, { name, actor: 'test' });
  return { key, keyId: record.keyId };
}

describe('authorize', () => {
  it('lets a valid key through with its id and name as context', async () => {
    const { key, keyId } = await newKey('alice laptop');
    expect(await authorize({ apiKeys }, `Bearer ${key}`)).toEqual({
      isAuthorized: true,
      context: { keyId, keyName: 'alice laptop' },
      reason: 'valid',
    });
  });

  it('tells keys apart: each key is accepted for its own record only', async () => {
    const first = await newKey('first');
    const second = await newKey('second');
    const one = await authorize({ apiKeys }, `Bearer ${first.key}`);
    const two = await authorize({ apiKeys }, `bearer ${second.key}`);
    expect(one.isAuthorized && one.context.keyName).toBe('first');
    expect(two.isAuthorized && two.context.keyName).toBe('second');
  });

  it('refuses a revoked key from its next lookup', async () => {
    const { key, keyId } = await newKey();
    expect((await authorize({ apiKeys }, `Bearer ${key}`)).isAuthorized).toBe(true);
    await revokeApiKey({ apiKeys, clock }, keyId);
    expect(await authorize({ apiKeys }, `Bearer ${key}`)).toEqual({
      isAuthorized: false,
      context: {},
      reason: 'revoked',
      keyId,
    });
  });

  it('refuses the right key id with another secret', async () => {
    const { keyId } = await newKey();
    const other = generateApiKey().key.slice(`syn_${keyId}_`.length);
    expect(await authorize({ apiKeys }, `Bearer syn_${keyId}_${other}`)).toEqual({
      isAuthorized: false,
      context: {},
      reason: 'wrong-secret',
      keyId,
    });
  });

  it('refuses a well-formed key the table does not know', async () => {
    await newKey();
    const stranger = generateApiKey();
    expect(await authorize({ apiKeys }, `Bearer ${stranger.key}`)).toEqual({
      isAuthorized: false,
      context: {},
      reason: 'unknown-key',
      keyId: stranger.keyId,
    });
  });

  it('refuses missing, non-bearer and malformed values without a table lookup', async () => {
    const { key } = await newKey();
    const cases: ReadonlyArray<readonly [string | undefined, string]> = [
      [undefined, 'missing-header'],
      ['', 'missing-header'],
      ['   ', 'missing-header'],
      [key, 'not-bearer'],
      [`Basic ${Buffer.from(`user:${key}`).toString('base64')}`, 'not-bearer'],
      [`Bearer ${key}${'A'.repeat(2_000_000)}`, 'not-bearer'],
      [`Bearer ${key}A`, 'malformed-key'],
      [`Bearer ${key.replace('syn_', 'SYN_')}`, 'malformed-key'],
      [`Bearer ${key.slice(0, -1)}é`, 'malformed-key'],
      ['Bearer __proto__', 'malformed-key'],
    ];
    for (const [value, reason] of cases) {
      const decision = await authorize({ apiKeys }, value);
      expect(decision, String(value).slice(0, 80)).toEqual({
        isAuthorized: false,
        context: {},
        reason,
        keyId: undefined,
      });
    }
    expect(apiKeys.lookups).toEqual([]);
  });
});
