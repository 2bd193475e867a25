/** Listing API keys (`synergy keys list`). */
import type { ApiKeyRecord, ApiKeys } from '../ports.ts';

/** Oldest first, revoked keys included. */
export function listApiKeys(deps: { readonly apiKeys: Pick<ApiKeys, 'list'> }): Promise<ApiKeyRecord[]> {
  return deps.apiKeys.list();
}
