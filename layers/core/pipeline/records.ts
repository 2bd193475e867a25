/**
 * What the experiments and registry tables hold, as the use cases see it (the adapters map these to
 * DynamoDB items: see layers/aws and the README's table design).
 */
import type { ModelName } from '../../ml/models/classifier.ts';
import type { RunConfig } from './run-config.ts';

export type RunStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** Why a run exists: an upload, or (issue #6) a drift/accuracy alarm, a schedule, a person. */
export type RunTrigger =
  | {
      readonly kind: 'upload';
      readonly bucket: string;
      readonly key: string;
      readonly etag: string;
      readonly versionId?: string;
    }
  | { readonly kind: 'drift' | 'accuracy' | 'schedule' | 'manual' };

/** The step a running run is in, for progress display. */
export type RunStage =
  | 'queued'
  | 'prep'
  | 'plan'
  | 'cells'
  | 'select'
  | 'refits'
  | 'evaluate'
  | 'register'
  | 'promote'
  | 'done';

export interface RunError {
  /** The error's name (DataError, RunConfigError, States.Timeout, Sandbox.Timedout…). */
  readonly name: string;
  readonly message: string;
  /** The state that failed, when known. */
  readonly state?: string;
}

export interface RunResult {
  readonly bestModel: ModelName;
  readonly testAccuracy: number;
  readonly modelVersion: number;
  readonly promoted: boolean;
  /** s3:// URIs of the run's outputs. */
  readonly leaderboardUri: string;
  readonly evaluationUri: string;
}

export interface RunRecord {
  readonly runId: string;
  readonly modelName: string;
  readonly status: RunStatus;
  readonly trigger: RunTrigger;
  /** ISO-8601 times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly executionArn?: string;
  readonly stage?: RunStage;
  readonly dataset?: {
    readonly uri: string;
    /** sha256 of the CSV's bytes. */
    readonly digest: string;
    readonly rows: number;
    readonly columns: number;
  };
  readonly config?: RunConfig;
  /** CV cells planned (done = countCells). */
  readonly cellsTotal?: number;
  /** Milliseconds spent per stage. */
  readonly timings?: Readonly<Record<string, number>>;
  readonly error?: RunError;
  readonly result?: RunResult;
}

/** Fields updateRun may set. */
export type RunPatch = Partial<Omit<RunRecord, 'runId' | 'modelName' | 'trigger' | 'createdAt'>>;

export interface CellRecord {
  readonly runId: string;
  /** `<model>#<paramsKey>#<fold>`: stable, so a retried cell overwrites its own item. */
  readonly cellId: string;
  readonly model: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly paramsKey: string;
  /** Index of the configuration in the model's search order (ties in CV mean go to the lower one). */
  readonly configIndex: number;
  readonly fold: number;
  readonly status: 'done' | 'stopped' | 'failed';
  /** Validation accuracy; NaN is stored as null by adapters when stopped/failed. */
  readonly score: number | null;
  readonly fitMs: number;
  /** Who ran it: the Lambda request id (and log stream) of the invocation. */
  readonly worker: string;
  readonly finishedAt: string;
}

/** What a column must look like at predict time (from the preprocessor's input schema). */
export interface SignatureColumn {
  readonly name: string;
  readonly type: 'number' | 'string';
  /** Known levels of a categorical column (others are accepted as unseen). */
  readonly levels?: readonly string[];
  /** Missing values are imputed as in training. */
  readonly optional: boolean;
}

export interface InputSignature {
  readonly inputs: readonly SignatureColumn[];
  readonly target: string;
  readonly classes: readonly (string | number)[];
}

export interface ModelVersionRecord {
  readonly modelName: string;
  readonly version: number;
  readonly createdAt: string;
  readonly algorithm: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly artifact: { readonly uri: string; readonly sha256: string; readonly size: number };
  readonly signature: InputSignature;
  readonly metrics: {
    readonly testAccuracy: number;
    readonly cvAccuracy: number;
    readonly cvStd: number;
  };
  readonly lineage: {
    readonly runId: string;
    readonly trigger: RunTrigger['kind'];
    readonly reason?: string;
    readonly dataset: { readonly uri: string; readonly digest: string };
    readonly codeVersion: string;
  };
}

export type NewModelVersion = Omit<ModelVersionRecord, 'version' | 'createdAt'>;

export type AliasName = 'champion' | 'challenger';

export interface AliasRecord {
  readonly modelName: string;
  readonly alias: AliasName;
  readonly version: number;
  /** Increments on every move: the condition of the next move. */
  readonly revision: number;
  readonly updatedAt: string;
}

export interface AuditRecord {
  readonly modelName: string;
  readonly at: string;
  readonly id: string;
  readonly action: 'VersionCreated' | 'AliasMoved' | 'RoutingChanged';
  /** The version created or moved to; absent for a routing change, which names aliases, not versions. */
  readonly version?: number;
  readonly alias?: AliasName;
  readonly fromVersion?: number;
  readonly reason: string;
  readonly actor: string;
}

export interface ModelSummary {
  readonly modelName: string;
  readonly latestVersion: number;
  readonly champion?: number;
  readonly challenger?: number;
}

/**
 * How the endpoint routes a model's traffic when the request names no version or alias. Weights are
 * percentages per alias summing to 100 (canary: champion 90 / challenger 10); `shadow` is an alias that
 * scores every request after the primary answer is computed, its answer logged and never returned.
 */
export interface RoutingRecord {
  readonly modelName: string;
  readonly weights: Readonly<Partial<Record<AliasName, number>>>;
  readonly shadow?: AliasName;
  readonly updatedAt: string;
  readonly actor: string;
}
