/**
 * The API key the CLI uses against the embedded stack's HTTP API when none is given: created once with the
 * keys use case (stored hashed in the api-keys table like any other key, named "synergy-cli", listed by
 * `synergy keys list`, revocable) and kept in `<stateDir>/cli-api-key` (mode 0600). A key that was revoked
 * or lost with the table is replaced.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseApiKey } from '../../layers/core/auth/api-key.ts';
import { createApiKey } from '../../layers/core/auth/create-api-key.ts';
import type { StackSession } from './session.ts';

async function storedKey(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function localApiKey(session: StackSession): Promise<string> {
  const file = join(session.stateDir, 'cli-api-key');
  const stored = await storedKey(file);
  const parsed = stored === undefined ? undefined : parseApiKey(stored);
  if (stored !== undefined && parsed !== undefined) {
    const record = await session.apiKeys.get(parsed.keyId);
    if (record !== undefined && record.revokedAt === undefined) return stored;
  }
  const created = await createApiKey(
    { apiKeys: session.apiKeys, clock: { now: () => new Date() } },
    { name: 'synergy-cli', actor: 'synergy-cli' },
  );
  await writeFile(file, `${created.key}\n`, { mode: 0o600 });
  return created.key;
}
