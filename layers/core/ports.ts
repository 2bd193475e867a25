/**
 * The ports the use cases run against. layers/aws implements them with SDK v3 clients; tests use the
 * in-memory versions in test/support/memory-ports.ts. Nothing here knows where it runs.
 */
import type {
  AliasName,
  AliasRecord,
  AuditRecord,
  CellRecord,
  ModelSummary,
  ModelVersionRecord,
  NewModelVersion,
  RoutingRecord,
  RunPatch,
  RunRecord,
  RunStatus,
} from './pipeline/records.ts';

/** An object in the data bucket. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
}

export interface StoredObject {
  readonly ref: ObjectRef;
  readonly size: number;
  readonly etag?: string;
  readonly versionId?: string;
  /** User metadata (x-amz-meta-*), keys lower-cased. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface Written {
  readonly ref: ObjectRef;
  /** Hex sha256 of the exact bytes stored. */
  readonly sha256: string;
  readonly size: number;
}

export interface WriteOptions {
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Reading a missing object throws NotFoundError (layers/core/errors.ts). */
export interface ArtifactStore {
  /** The object's bytes as a stream (for CSVs of any size). */
  stream(ref: ObjectRef, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  readBytes(ref: ObjectRef, signal?: AbortSignal): Promise<Uint8Array>;
  readJson(ref: ObjectRef, signal?: AbortSignal): Promise<unknown>;
  /** undefined when the object does not exist. */
  head(ref: ObjectRef): Promise<StoredObject | undefined>;
  /** A stream body is uploaded in parts, so its size is unbounded and memory stays flat. */
  write(
    ref: ObjectRef,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options?: WriteOptions,
  ): Promise<Written>;
  writeJson(ref: ObjectRef, value: unknown): Promise<Written>;
  list(bucket: string, prefix: string): AsyncIterable<StoredObject>;
}

/** Runs and their cells (the experiments table). */
export interface Experiments {
  /** Conditional create: `exists` (and nothing written) when the run id is taken. */
  createRun(run: RunRecord): Promise<'created' | 'exists'>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /**
   * Conditional update: applies `patch` only when the run's status is one of `expectStatus` (any status
   * when omitted); throws ConflictError otherwise. Returns the run as stored after the update.
   */
  updateRun(runId: string, patch: RunPatch, expectStatus?: readonly RunStatus[]): Promise<RunRecord>;
  /** Newest first (by createdAt). */
  listRuns(options?: { readonly limit?: number; readonly modelName?: string }): Promise<RunRecord[]>;
  /** Idempotent: the same cell id overwrites (a retried Lambda writes the same item). */
  putCell(cell: CellRecord): Promise<void>;
  listCells(runId: string): Promise<CellRecord[]>;
  countCells(runId: string): Promise<number>;
}

/** The model registry: versions, aliases, audit. */
export interface Registry {
  /**
   * Allocates the next version number for `model.modelName` with a conditional put (attribute_not_exists)
   * on `version = latest + 1`, retrying on conflict, so versions are unique and gapless under concurrency.
   */
  createVersion(model: NewModelVersion): Promise<ModelVersionRecord>;
  getVersion(modelName: string, version: number): Promise<ModelVersionRecord | undefined>;
  /** Newest first. */
  listVersions(modelName: string, options?: { readonly limit?: number }): Promise<ModelVersionRecord[]>;
  listModels(): Promise<ModelSummary[]>;
  getAlias(modelName: string, alias: AliasName): Promise<AliasRecord | undefined>;
  /**
   * Moves an alias with a conditional update on its revision (`expectedRevision` undefined means the alias
   * must not exist yet); throws ConflictError when someone else moved it first. Writes the audit item.
   */
  moveAlias(move: {
    readonly modelName: string;
    readonly alias: AliasName;
    readonly version: number;
    readonly expectedRevision: number | undefined;
    readonly reason: string;
    readonly actor: string;
  }): Promise<AliasRecord>;
  putAudit(entry: AuditRecord): Promise<void>;
  /** Oldest first. */
  listAudit(modelName: string): Promise<AuditRecord[]>;
  /** How the endpoint splits traffic between aliases; undefined = all to champion, no shadow. */
  getRouting(modelName: string): Promise<RoutingRecord | undefined>;
  /** Replaces the model's routing (last writer wins) and writes an audit item. */
  putRouting(routing: RoutingRecord): Promise<void>;
}

/** Starts training executions (Step Functions). */
export interface Orchestrator {
  /**
   * Starts the training state machine with a deterministic execution name. Starting the same name with the
   * same input again is not an error (`started: false`, same ARN), as StartExecution is idempotent.
   */
  startTraining(name: string, input: unknown): Promise<{ executionArn: string; started: boolean }>;
}

export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'None' | 'Percent' | 'Bytes';

/** Business metrics (EMF via Powertools on Lambda). */
export interface Metrics {
  add(name: string, unit: MetricUnit, value: number, dimensions?: Readonly<Record<string, string>>): void;
}

export interface Clock {
  now(): Date;
}

/** One API key as stored: never the secret, only its sha256. */
export interface ApiKeyRecord {
  /** The public part of the key (`syn_<keyId>_<secret>`), the item's key. */
  readonly keyId: string;
  /** A label for people ("ci", "alice's laptop"). */
  readonly name: string;
  /** Hex sha256 of the secret part (the secret is 256 random bits, so a plain hash is enough). */
  readonly secretSha256: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt?: string;
}

/** The API keys table. */
export interface ApiKeys {
  /** Conditional create: ConflictError when the key id exists. */
  create(record: ApiKeyRecord): Promise<void>;
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** Sets revokedAt (kept if already revoked); NotFoundError when the key does not exist. */
  revoke(keyId: string, at: string): Promise<ApiKeyRecord>;
}

/** How a CloudWatch alarm compares its statistic with the threshold (the CloudWatch names). */
export type AlarmComparison =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** What an alarm does with periods that have no datapoint (the CloudWatch names). */
export type MissingDataTreatment = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

/**
 * A CloudWatch metric alarm as Synergy defines it: one per model and signal (drift, live accuracy), put by
 * the function that emits the metric, because a model exists only once it is trained (the thresholds are
 * stage parameters in serverless.yml).
 */
export interface AlarmDefinition {
  readonly name: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Exactly the metric's dimension set (EMF from Powertools adds `service`). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Maximum' | 'Minimum' | 'Average' | 'Sum' | 'SampleCount';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: AlarmComparison;
  readonly treatMissingData: MissingDataTreatment;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmStatus {
  readonly name: string;
  readonly state: AlarmStateValue;
  readonly reason: string;
  /** ISO-8601: when the state last changed. */
  readonly updatedAt: string;
}

/** CloudWatch alarms (PutMetricAlarm / DescribeAlarms). */
export interface Alarms {
  /** Creates or replaces the alarm; putting the same definition again changes nothing (its state stays). */
  ensure(definition: AlarmDefinition): Promise<void>;
  /** The alarms that exist among `names`, in the order given. */
  describe(names: readonly string[]): Promise<AlarmStatus[]>;
}

/** The EventBridge source of registry events (the adapter puts them, rules and the monitor match it). */
export const REGISTRY_EVENT_SOURCE = 'synergy.registry';

/**
 * What the registry announces (EventBridge: source `synergy.registry`, detail-type = `type`, the rest as
 * detail), so other systems can react to a new version or a champion change.
 */
export type RegistryEvent =
  | {
      readonly type: 'ModelVersionCreated';
      readonly modelName: string;
      readonly version: number;
      readonly runId: string;
      readonly trigger: string;
      readonly reason?: string;
      readonly testAccuracy: number;
      readonly at: string;
    }
  | {
      readonly type: 'AliasMoved';
      readonly modelName: string;
      readonly alias: AliasName;
      readonly version: number;
      readonly fromVersion?: number;
      readonly reason: string;
      readonly actor: string;
      readonly at: string;
    };

/** Where registry events go (EventBridge PutEvents on AWS and locally). */
export interface RegistryEvents {
  publish(events: readonly RegistryEvent[]): Promise<void>;
}
