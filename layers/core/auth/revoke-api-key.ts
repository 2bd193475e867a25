/** Revoking an API key (`synergy keys revoke`). */
import { NotFoundError } from '../errors.ts';
import type { ApiKeyRecord, ApiKeys, Clock } from '../ports.ts';
import { isApiKeyId } from './api-key.ts';

/**
 * Marks the key revoked from now on (revoking again keeps the first time). The authorizer refuses it on its
 * next lookup; API Gateway may keep answering from its cached decision for up to its TTL (60 s).
 */
export async function revokeApiKey(
  deps: { readonly apiKeys: Pick<ApiKeys, 'revoke'>; readonly clock: Clock },
  keyId: string,
): Promise<ApiKeyRecord> {
  if (!isApiKeyId(keyId)) {
    throw new NotFoundError(`no API key "${keyId}" (key ids are 12 lower-case hex characters)`, { keyId });
  }
  return deps.apiKeys.revoke(keyId, deps.clock.now().toISOString());
}
