/** The key format: what generateApiKey makes, parseApiKey takes back, and everything else it refuses. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_LENGTH,
  bearerToken,
  generateApiKey,
  isApiKeyId,
  MAX_AUTHORIZATION_LENGTH,
  parseApiKey,
  secretMatches,
  sha256Hex,
} from '../../../layers/core/auth/api-key.ts';

const keys = Array.from({ length: 200 }, () => generateApiKey());
const sample = keys[0];
const parts = /^syn_([0-9a-f]{12})_(.{43})$/.exec(sample.key);
if (parts === null) throw new Error(`generateApiKey made ${sample.key}`);
const [, keyId, secret] = parts;

describe('generateApiKey', () => {
  it('makes syn_<12 hex>_<43 base64url> keys whose parts parse back', () => {
    for (const generated of keys) {
      expect(generated.key).toMatch(/^syn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(generated.key).toHaveLength(API_KEY_LENGTH);
      const parsed = parseApiKey(generated.key);
      expect(parsed?.keyId).toBe(generated.keyId);
      expect(`syn_${parsed?.keyId}_${parsed?.secret}`).toBe(generated.key);
      expect(Buffer.from(parsed?.secret ?? '', 'base64url')).toHaveLength(32);
    }
  });

  it('stores the sha256 of the secret, not the secret', () => {
    expect(sample.secretSha256).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(sample.secretSha256).not.toContain(secret);
    expect(sha256Hex(secret)).toBe(sample.secretSha256);
  });

  it('draws fresh ids and secrets every time', () => {
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.key.slice(17))).size).toBe(keys.length);
  });
});

describe('parseApiKey refuses', () => {
  const refused: ReadonlyArray<readonly [string, string]> = [
    ['an empty string', ''],
    ['another prefix', `sk_${keyId}_${secret}`],
    ['an upper-case prefix', `SYN_${keyId}_${secret}`],
    ['a missing prefix', `${keyId}_${secret}`],
    ['an upper-case key id', `syn_${keyId.toUpperCase().replace(/^[0-9]/, 'A')}_${secret}`],
    ['a key id of 11 characters', `syn_${keyId.slice(1)}_${secret}x`],
    ['a key id of 13 characters', `syn_${keyId}a_${secret.slice(1)}`],
    ['a non-hex key id', `syn_${'g'.repeat(12)}_${secret}`],
    ['a secret one character short', `syn_${keyId}_${secret.slice(1)}`],
    ['a secret one character long', `syn_${keyId}_${secret}A`],
    ['an extra underscore after the prefix', `syn__${keyId.slice(1)}_${secret}`],
    ['an extra underscore at the end', `syn_${keyId}_${secret}_`],
    ['an underscore inside the key id', `syn_${keyId.slice(0, 6)}_${keyId.slice(7)}_${secret}`],
    ['a dash as the id separator', `syn_${keyId}-${secret}`],
    ['standard base64 characters', `syn_${keyId}_${`+/${secret.slice(2)}`}`],
    ['padding', `syn_${keyId}_${secret.slice(0, 42)}=`],
    ['a non-canonical last character', `syn_${keyId}_${secret.slice(0, 42)}B`],
    ['surrounding whitespace', ` syn_${keyId}_${secret.slice(1)}`],
    ['an accented letter', `syn_${keyId}_é${secret.slice(1)}`],
    ['a full-width digit in the id', `syn_１${keyId.slice(1)}_${secret}`],
    ['an emoji (two UTF-16 units)', `syn_${keyId}_😀${secret.slice(2)}`],
    ['a NUL byte', `syn_${keyId}_\u0000${secret.slice(1)}`],
    ['the key twice', `${sample.key}${sample.key}`],
    ['a megabyte of key characters', `syn_${keyId}_${'A'.repeat(1_000_000)}`],
  ];

  it.each(refused)('%s', (_, text) => {
    expect(parseApiKey(text)).toBeUndefined();
  });

  it('accepts secrets with underscores and dashes where base64url puts them', () => {
    const withSeparators = `syn_${keyId}_${Buffer.alloc(32, 0xff).toString('base64url')}`;
    expect(withSeparators).toContain('_'.repeat(2));
    expect(parseApiKey(withSeparators)).toEqual({ keyId, secret: withSeparators.slice(17) });
    const dashes = Buffer.alloc(32, 0xfb).toString('base64url');
    expect(dashes).toMatch(/-/);
    expect(parseApiKey(`syn_${keyId}_${dashes}`)?.secret).toBe(dashes);
  });
});

describe('isApiKeyId', () => {
  it('is 12 lower-case hex characters and nothing else', () => {
    expect(isApiKeyId(keyId)).toBe(true);
    expect(isApiKeyId(keyId.slice(1))).toBe(false);
    expect(isApiKeyId(`${keyId}0`)).toBe(false);
    expect(isApiKeyId('ABCDEF012345')).toBe(false);
    expect(isApiKeyId(`${keyId}\n`)).toBe(false);
  });
});

describe('secretMatches', () => {
  it('is true for the secret and false for any other', () => {
    expect(secretMatches(secret, sample.secretSha256)).toBe(true);
    expect(secretMatches(secret, keys[1].secretSha256)).toBe(false);
    const flipped = `${secret.slice(0, 10)}${secret[10] === 'A' ? 'B' : 'A'}${secret.slice(11)}`;
    expect(secretMatches(flipped, sample.secretSha256)).toBe(false);
    expect(secretMatches('', sample.secretSha256)).toBe(false);
  });

  it('is false, without throwing, for a stored hash that is not 64 hex characters', () => {
    expect(secretMatches(secret, sample.secretSha256.slice(2))).toBe(false);
    expect(secretMatches(secret, `${sample.secretSha256}00`)).toBe(false);
    expect(secretMatches(secret, sample.secretSha256.toUpperCase())).toBe(false);
    expect(secretMatches(secret, '')).toBe(false);
    expect(secretMatches(secret, secret)).toBe(false);
  });
});

describe('bearerToken', () => {
  it('takes the credential after a case-insensitive Bearer, ignoring surrounding whitespace', () => {
    for (const value of [
      `Bearer ${sample.key}`,
      `bearer ${sample.key}`,
      `BEARER ${sample.key}`,
      `  Bearer   ${sample.key}  `,
      `\tBearer\t${sample.key}\r\n`,
    ]) {
      expect(bearerToken(value), JSON.stringify(value)).toBe(sample.key);
    }
  });

  it('refuses other schemes, a bare key, an empty credential, two credentials and huge values', () => {
    for (const value of [
      sample.key,
      `Basic ${sample.key}`,
      `Bearer${sample.key}`,
      'Bearer ',
      'Bearer',
      `Bearer ${sample.key} ${sample.key}`,
      `Bearer: ${sample.key}`,
      `Bearer ${' '.repeat(MAX_AUTHORIZATION_LENGTH)}${sample.key}`,
      `Bearer ${'x'.repeat(10_000_000)}`,
    ]) {
      expect(bearerToken(value), JSON.stringify(value.slice(0, 80))).toBeUndefined();
    }
  });
});
