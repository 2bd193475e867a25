/**
 * Names → registry records for the endpoint, cached so a request usually costs no registry call: an
 * alias (and the model's routing) is reused for `settings.aliasTtlMs`, so a promotion reaches every
 * container within that time; a version record never changes once written, so it is kept until evicted.
 */
import type { AliasName, AliasRecord, ModelVersionRecord, RoutingRecord } from '../pipeline/records.ts';
import type { ServingDeps } from './deps.ts';
import { ServingRequestError } from './errors.ts';
import { ExpiringCache } from './expiring-cache.ts';

/** Enough for every real model; bounds memory when clients send many made-up names. */
const MAX_CACHED_LOOKUPS = 10_000;

export type ResolverDeps = Pick<ServingDeps, 'registry' | 'clock' | 'settings'>;

export class AliasResolver {
  private readonly aliases: ExpiringCache<AliasRecord | undefined>;
  private readonly routings: ExpiringCache<RoutingRecord | undefined>;
  private readonly versionRecords: ExpiringCache<ModelVersionRecord | undefined>;
  private readonly versionLists: ExpiringCache<readonly ModelVersionRecord[]>;
  private readonly models: ExpiringCache<boolean>;

  constructor(private readonly deps: ResolverDeps) {
    const now = (): number => deps.clock.now().getTime();
    this.aliases = new ExpiringCache(now, MAX_CACHED_LOOKUPS);
    this.routings = new ExpiringCache(now, MAX_CACHED_LOOKUPS);
    this.versionRecords = new ExpiringCache(now, MAX_CACHED_LOOKUPS);
    this.versionLists = new ExpiringCache(now, MAX_CACHED_LOOKUPS);
    this.models = new ExpiringCache(now, MAX_CACHED_LOOKUPS);
  }

  private get ttlMs(): number {
    return this.deps.settings.aliasTtlMs;
  }

  /** The version an alias points at, or undefined when the alias is not set. */
  aliasVersion(modelName: string, alias: AliasName): Promise<number | undefined> {
    return this.aliasRecord(modelName, alias).then((record) => record?.version);
  }

  /** The record of the version `alias` points at; 404 naming the model or alias when there is none. */
  async resolveAlias(modelName: string, alias: AliasName): Promise<ModelVersionRecord> {
    const record = await this.aliasRecord(modelName, alias);
    if (record === undefined) {
      await this.requireModel(modelName);
      throw new ServingRequestError(404, `model ${modelName} has no ${alias} alias`, {
        field: 'alias',
        context: { modelName, alias },
      });
    }
    return this.resolveVersion(modelName, record.version);
  }

  /** A version's record; 404 naming the model or the version when it does not exist. */
  async resolveVersion(modelName: string, version: number): Promise<ModelVersionRecord> {
    const record = await this.versionRecord(modelName, version);
    if (record === undefined) {
      await this.requireModel(modelName);
      throw new ServingRequestError(404, `model ${modelName} has no version ${version}`, {
        field: 'version',
        context: { modelName, version },
      });
    }
    return record;
  }

  /** The model's traffic split; undefined means champion 100, no shadow. */
  routing(modelName: string): Promise<RoutingRecord | undefined> {
    return this.routings.get(modelName, this.ttlMs, () => this.deps.registry.getRouting(modelName));
  }

  /** Every version of the model, newest first (V2 metadata lists them); 404 when the model has none. */
  async versions(modelName: string): Promise<readonly ModelVersionRecord[]> {
    const versions = await this.versionLists.get(modelName, this.ttlMs, () =>
      this.deps.registry.listVersions(modelName),
    );
    if (versions.length === 0) throw noSuchModel(modelName);
    return versions;
  }

  private aliasRecord(modelName: string, alias: AliasName): Promise<AliasRecord | undefined> {
    return this.aliases.get(`${modelName}#${alias}`, this.ttlMs, () =>
      this.deps.registry.getAlias(modelName, alias),
    );
  }

  private versionRecord(modelName: string, version: number): Promise<ModelVersionRecord | undefined> {
    // Versions are immutable; only an absence expires, as the version may be registered any moment.
    return this.versionRecords.get(
      `${modelName}#${version}`,
      this.ttlMs,
      () => this.deps.registry.getVersion(modelName, version),
      (record) => (record === undefined ? this.ttlMs : Number.POSITIVE_INFINITY),
    );
  }

  private async requireModel(modelName: string): Promise<void> {
    const exists = await this.models.get(modelName, this.ttlMs, async () => {
      const latest = await this.deps.registry.listVersions(modelName, { limit: 1 });
      return latest.length > 0;
    });
    if (!exists) throw noSuchModel(modelName);
  }
}

function noSuchModel(modelName: string): ServingRequestError {
  return new ServingRequestError(404, `no model named ${modelName}`, {
    field: 'name',
    context: { modelName },
  });
}
