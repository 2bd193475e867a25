/** Creating an API key (`synergy keys create`): the full key is returned once, only its hash is stored. */
import { ConflictError } from '../errors.ts';
import type { ApiKeyRecord, ApiKeys, Clock } from '../ports.ts';
import { type GeneratedApiKey, generateApiKey } from './api-key.ts';
import { apiKeyNameProblem, InvalidApiKeyNameError } from './api-key-name.ts';

export interface CreateApiKeyDeps {
  readonly apiKeys: Pick<ApiKeys, 'create'>;
  readonly clock: Clock;
  /** Tests pass a fixed sequence; the default draws from crypto random bytes. */
  readonly generateKey?: () => GeneratedApiKey;
}

export interface CreatedApiKey {
  /** The full key: returned this once, stored nowhere. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

/** Key ids are 48 random bits, so a collision is rare but possible; a fresh draw is cheap. */
const CREATE_ATTEMPTS = 3;

export async function createApiKey(
  deps: CreateApiKeyDeps,
  request: { readonly name: string; readonly actor: string },
): Promise<CreatedApiKey> {
  const problem = apiKeyNameProblem(request.name);
  if (problem !== undefined) {
    throw new InvalidApiKeyNameError(`API key name ${problem}`, { name: request.name });
  }
  const generate = deps.generateKey ?? generateApiKey;
  for (let attempt = 1; ; attempt++) {
    const { key, keyId, secretSha256 } = generate();
    const record: ApiKeyRecord = {
      keyId,
      name: request.name,
      secretSha256,
      createdAt: deps.clock.now().toISOString(),
      createdBy: request.actor,
    };
    try {
      await deps.apiKeys.create(record);
      return { key, record };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= CREATE_ATTEMPTS) throw error;
    }
  }
}
