/** An in-memory ApiKeys with the table's semantics: conditional create, idempotent revoke, copies out. */
import { ConflictError, NotFoundError } from '../../layers/core/errors.ts';
import type { ApiKeyRecord, ApiKeys } from '../../layers/core/ports.ts';

export class MemoryApiKeys implements ApiKeys {
  private readonly records = new Map<string, ApiKeyRecord>();
  /** Every key id `get` was asked for, in order. */
  readonly lookups: string[] = [];

  async create(record: ApiKeyRecord): Promise<void> {
    if (this.records.has(record.keyId)) {
      throw new ConflictError(`API key ${record.keyId} already exists`, { keyId: record.keyId });
    }
    this.records.set(record.keyId, { ...record });
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    this.lookups.push(keyId);
    const record = this.records.get(keyId);
    return record === undefined ? undefined : { ...record };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.records.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId))
      .map((record) => ({ ...record }));
  }

  async revoke(keyId: string, at: string): Promise<ApiKeyRecord> {
    const record = this.records.get(keyId);
    if (record === undefined) throw new NotFoundError(`no API key "${keyId}"`, { keyId });
    const revoked = { ...record, revokedAt: record.revokedAt ?? at };
    this.records.set(keyId, revoked);
    return { ...revoked };
  }
}
