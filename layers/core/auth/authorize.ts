/**
 * The API key check behind every serving route (the HTTP API's Lambda authorizer, and the local adapter
 * running the same code). The reason is for the log only: a client learns nothing but yes or no.
 */
import type { ApiKeys } from '../ports.ts';
import { bearerToken, parseApiKey, secretMatches } from './api-key.ts';

export type RefusalReason =
  | 'missing-header'
  | 'not-bearer'
  | 'malformed-key'
  | 'unknown-key'
  | 'wrong-secret'
  | 'revoked';

/** What the routes behind the authorizer see (API Gateway's `requestContext.authorizer.lambda`). */
export interface AuthorizedContext {
  readonly keyId: string;
  readonly keyName: string;
}

export type Authorization =
  | { readonly isAuthorized: true; readonly context: AuthorizedContext; readonly reason: 'valid' }
  | {
      readonly isAuthorized: false;
      readonly context: Readonly<Record<string, never>>;
      readonly reason: RefusalReason;
      /** The key id the caller presented, when the key was well formed (it is public, safe to log). */
      readonly keyId: string | undefined;
    };

function refused(reason: RefusalReason, keyId?: string): Authorization {
  return { isAuthorized: false, context: {}, reason, keyId };
}

export async function authorize(
  deps: { readonly apiKeys: Pick<ApiKeys, 'get'> },
  headerValue: string | undefined,
): Promise<Authorization> {
  if (headerValue === undefined || headerValue.trim() === '') return refused('missing-header');
  const token = bearerToken(headerValue);
  if (token === undefined) return refused('not-bearer');
  const parsed = parseApiKey(token);
  if (parsed === undefined) return refused('malformed-key');
  const record = await deps.apiKeys.get(parsed.keyId);
  if (record === undefined) return refused('unknown-key', parsed.keyId);
  // The secret first: the log calls a key revoked only for a caller who holds its secret.
  if (!secretMatches(parsed.secret, record.secretSha256)) return refused('wrong-secret', parsed.keyId);
  if (record.revokedAt !== undefined) return refused('revoked', parsed.keyId);
  return { isAuthorized: true, context: { keyId: record.keyId, keyName: record.name }, reason: 'valid' };
}
