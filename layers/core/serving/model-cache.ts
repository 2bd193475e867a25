/**
 * Loaded model versions, least recently used evicted. A version is loaded once per container: its
 * artifact read, its sha256 checked against the registry (a tampered artifact is refused, never served),
 * its signature compiled into a validator, and row buffers allocated for the one-row fast path.
 * Concurrent first requests for one version share one load; a failed load is not kept, so the next
 * request tries again.
 */

import { refOfUri } from '../pipeline/keys.ts';
import type { LoadedModel } from '../pipeline/model-document.ts';
import { loadModelDocument } from '../pipeline/model-document.ts';
import type { ModelVersionRecord } from '../pipeline/records.ts';
import type { ServingDeps } from './deps.ts';
import { ServingRequestError } from './errors.ts';
import type { SignatureValidator } from './signature-validator.ts';
import { compileSignature } from './signature-validator.ts';

export interface ServableModel {
  readonly record: ModelVersionRecord;
  readonly loaded: LoadedModel;
  readonly validate: SignatureValidator;
  /** Scratch for one row's features; scoring is synchronous, so requests never share it concurrently. */
  readonly featureRow: Float64Array;
  /** Scratch for one row's class probabilities. */
  readonly probaRow: Float64Array;
}

export type ModelCacheDeps = Pick<ServingDeps, 'artifacts' | 'log' | 'settings'>;

interface CacheEntry {
  readonly model: Promise<ServableModel>;
  /** Requests between acquiring the entry and finishing with its model. */
  users: number;
  evicted: boolean;
  disposed: boolean;
  settled: ServableModel | undefined;
}

export function modelCacheKey(record: Pick<ModelVersionRecord, 'modelName' | 'version'>): string {
  return `${record.modelName}#${record.version}`;
}

function refusal(record: ModelVersionRecord, error: unknown): ServingRequestError {
  const name = error instanceof Error ? error.name : 'Error';
  const what = `model ${record.modelName} version ${record.version}`;
  const message =
    name === 'ArtifactIntegrityError'
      ? `${what} is refused: its artifact does not match the sha256 registered for it (changed after registration)`
      : `${what} cannot be loaded (${name})`;
  return new ServingRequestError(503, message, {
    context: { modelName: record.modelName, version: record.version, uri: record.artifact.uri },
    cause: error,
  });
}

export class ModelCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly deps: ModelCacheDeps) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs `score` with the version's loaded model. `score` is synchronous, and the entry is held for its
   * duration, so an eviction meanwhile cannot dispose a model (SVC's wasm memory) still being used.
   * A version that cannot be loaded is ServingRequestError 503 naming it.
   */
  async use<T>(record: ModelVersionRecord, score: (model: ServableModel) => T): Promise<T> {
    const entry = this.acquire(record);
    entry.users++;
    try {
      return score(await entry.model);
    } finally {
      entry.users--;
      this.disposeIfUnused(entry);
    }
  }

  /** Disposes every loaded model (tests; a container shutting down). */
  clear(): void {
    for (const entry of this.entries.values()) {
      entry.evicted = true;
      this.disposeIfUnused(entry);
    }
    this.entries.clear();
  }

  private acquire(record: ModelVersionRecord): CacheEntry {
    const key = modelCacheKey(record);
    const found = this.entries.get(key);
    if (found !== undefined) {
      // Re-inserted: Map order is recency order, oldest first.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const entry: CacheEntry = {
      model: this.load(record),
      users: 0,
      evicted: false,
      disposed: false,
      settled: undefined,
    };
    entry.model.then(
      (model) => {
        entry.settled = model;
        this.disposeIfUnused(entry);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.entries.set(key, entry);
    this.evictBeyond(Math.max(1, this.deps.settings.modelCacheSize));
    return entry;
  }

  private evictBeyond(capacity: number): void {
    while (this.entries.size > capacity) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) return;
      const [key, entry] = oldest.value;
      this.entries.delete(key);
      entry.evicted = true;
      this.disposeIfUnused(entry);
    }
  }

  private disposeIfUnused(entry: CacheEntry): void {
    if (!entry.evicted || entry.users > 0 || entry.disposed || entry.settled === undefined) return;
    entry.disposed = true;
    entry.settled.loaded.classifier.dispose();
  }

  private async load(record: ModelVersionRecord): Promise<ServableModel> {
    const started = performance.now();
    let loaded: LoadedModel | undefined;
    let validate: SignatureValidator;
    try {
      const bytes = await this.deps.artifacts.readBytes(refOfUri(record.artifact.uri));
      loaded = loadModelDocument(bytes, record.artifact.sha256);
      validate = compileSignature(loaded.signature);
    } catch (error) {
      loaded?.classifier.dispose();
      this.deps.log.warn('model refused', {
        model: record.modelName,
        version: record.version,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw refusal(record, error);
    }
    this.deps.log.info('model loaded', {
      model: record.modelName,
      version: record.version,
      algorithm: loaded.document.algorithm,
      bytes: record.artifact.size,
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
    return {
      record,
      loaded,
      validate,
      featureRow: new Float64Array(loaded.preprocessor.nFeatures),
      probaRow: new Float64Array(loaded.classes.length),
    };
  }
}
