import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { isApiKeyId } from '../../layers/core/auth/api-key.ts';
import { apiKeyNameProblem } from '../../layers/core/auth/api-key-name.ts';
import { createApiKey } from '../../layers/core/auth/create-api-key.ts';
import { listApiKeys } from '../../layers/core/auth/list-api-keys.ts';
import { revokeApiKey } from '../../layers/core/auth/revoke-api-key.ts';
import { NotFoundError } from '../../layers/core/errors.ts';
import type { ApiKeyRecord } from '../../layers/core/ports.ts';
import { UsageError } from '../errors.ts';
import { table } from '../format/table.ts';
import type { StackSession } from '../stack/session.ts';

const USAGE = 'usage: synergy keys create --name <label> | keys list | keys revoke <keyId>  [--json]';
const systemClock = { now: () => new Date() };

/** Who created a key, as the record keeps it. */
function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli'; // no passwd entry for this uid (some containers)
  }
}

/** A record as printed: everything but the secret's hash, which is of no use to a reader. */
function publicFields(record: ApiKeyRecord) {
  return {
    keyId: record.keyId,
    name: record.name,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    ...(record.revokedAt === undefined ? {} : { revokedAt: record.revokedAt }),
  };
}

const timestamp = (iso: string) => `${iso.replace('T', ' ').slice(0, 19)}`;

/** The stack is loaded only once the arguments are known to be good: a usage error answers at once. */
async function withStack<T>(root: string, work: (session: StackSession) => Promise<T>): Promise<T> {
  const { openStack } = await import('../stack/session.ts');
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

async function create(name: string | undefined, json: boolean, root: string): Promise<number> {
  if (name === undefined) throw new UsageError(`keys create needs --name <label> (${USAGE})`);
  const problem = apiKeyNameProblem(name);
  if (problem !== undefined) throw new UsageError(`--name ${problem}`);
  const { key, record } = await withStack(root, (session) =>
    createApiKey({ apiKeys: session.apiKeys, clock: systemClock }, { name, actor: actor() }),
  );
  if (json) {
    process.stdout.write(`${JSON.stringify({ keyId: record.keyId, key, name: record.name })}\n`);
    return 0;
  }
  process.stdout.write(
    [
      `Created API key ${record.keyId} ("${record.name}"):`,
      '',
      `  ${key}`,
      '',
      'Store it now: it cannot be shown again (only a hash of its secret is kept).',
      `Send it as the header  Authorization: Bearer ${key}`,
      '',
    ].join('\n'),
  );
  return 0;
}

async function list(json: boolean, root: string): Promise<number> {
  const records = await withStack(root, (session) => listApiKeys({ apiKeys: session.apiKeys }));
  if (json) {
    process.stdout.write(`${JSON.stringify(records.map(publicFields))}\n`);
    return 0;
  }
  if (records.length === 0) {
    process.stdout.write('No API keys yet. Create one with `synergy keys create --name <label>`.\n');
    return 0;
  }
  const rows = records.map((r) => [
    r.keyId,
    r.name,
    timestamp(r.createdAt),
    r.createdBy,
    r.revokedAt === undefined ? '—' : timestamp(r.revokedAt),
  ]);
  process.stdout.write(
    `${table(['Key id', 'Name', 'Created (UTC)', 'By', 'Revoked (UTC)'], rows).join('\n')}\n`,
  );
  return 0;
}

async function revoke(keyId: string | undefined, json: boolean, root: string): Promise<number> {
  if (keyId === undefined) throw new UsageError(`keys revoke needs a key id (${USAGE})`);
  if (!isApiKeyId(keyId)) {
    throw new UsageError(`"${keyId}" is not a key id (12 lower-case hex characters, see synergy keys list)`);
  }
  const record = await withStack(root, async (session) => {
    try {
      return await revokeApiKey({ apiKeys: session.apiKeys, clock: systemClock }, keyId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
  });
  if (json) {
    process.stdout.write(`${JSON.stringify(publicFields(record))}\n`);
    return 0;
  }
  process.stdout.write(
    `Revoked API key ${record.keyId} ("${record.name}") at ${record.revokedAt ?? '?'}. ` +
      'The endpoint refuses it once API Gateway’s cached answer for it expires (60 s at most).\n',
  );
  return 0;
}

/** `synergy keys create|list|revoke`: the API keys the prediction endpoint accepts. */
export async function runKeys(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [action, ...rest] = positionals;
  const extra = action === 'revoke' ? rest.slice(1) : rest;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (${USAGE})`);
  if (values.name !== undefined && action !== 'create') {
    throw new UsageError(`--name applies to keys create only (${USAGE})`);
  }
  switch (action) {
    case 'create':
      return create(values.name, values.json, root);
    case 'list':
      return list(values.json, root);
    case 'revoke':
      return revoke(rest[0], values.json, root);
    default:
      throw new UsageError(action === undefined ? USAGE : `unknown keys action "${action}" (${USAGE})`);
  }
}
