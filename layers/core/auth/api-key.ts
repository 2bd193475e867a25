/**
 * The API key format, `syn_<keyId>_<secret>`: a public key id (12 lower-case hex characters, the table's
 * key) and a secret of 32 random bytes in base64url (43 characters, no padding). Only the secret's sha256
 * is stored; a 256-bit random secret needs no salt or slow hash, since it cannot be guessed or looked up.
 * Parsing is strict (one exact shape, one length) so nothing odd reaches a table lookup or a log line.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_ID_BYTES = 6;
const SECRET_BYTES = 32;
const KEY_ID_PATTERN = /^[0-9a-f]{12}$/;
const API_KEY_PATTERN = /^syn_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;
/** `syn_` + 12 + `_` + 43. */
export const API_KEY_LENGTH = 60;
/** Longer Authorization values are refused before any pattern runs on them. */
export const MAX_AUTHORIZATION_LENGTH = 1024;
const BEARER_PATTERN = /^bearer[ \t]+(\S+)$/i;

export interface GeneratedApiKey {
  /** The full key, shown once to its owner and never stored. */
  readonly key: string;
  readonly keyId: string;
  readonly secretSha256: string;
}

export interface ParsedApiKey {
  readonly keyId: string;
  readonly secret: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { key: `syn_${keyId}_${secret}`, keyId, secretSha256: sha256Hex(secret) };
}

export function isApiKeyId(text: string): boolean {
  return KEY_ID_PATTERN.test(text);
}

/** The key's parts, or undefined for anything that is not exactly a key this module generates. */
export function parseApiKey(text: string): ParsedApiKey | undefined {
  if (text.length !== API_KEY_LENGTH) return undefined;
  const match = API_KEY_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, keyId, secret] = match;
  // 43 base64url characters carry 258 bits: only the canonical encoding of 32 bytes is a generated secret.
  if (Buffer.from(secret, 'base64url').toString('base64url') !== secret) return undefined;
  return { keyId, secret };
}

/** Compares hashes in constant time, so the response time says nothing about how much of a guess was right. */
export function secretMatches(secret: string, secretSha256: string): boolean {
  if (!SHA256_HEX_PATTERN.test(secretSha256)) return false;
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(actual, Buffer.from(secretSha256, 'hex'));
}

/**
 * The credential of an `Authorization: Bearer <token>` value (scheme case-insensitive, surrounding
 * whitespace ignored), or undefined when the value is not a bearer credential.
 */
export function bearerToken(headerValue: string): string | undefined {
  if (headerValue.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  return BEARER_PATTERN.exec(headerValue.trim())?.[1];
}
