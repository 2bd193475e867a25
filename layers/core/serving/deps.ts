/**
 * What the serving use cases run against. The predict function builds these lazily (layers/aws/
 * serving-wiring.ts) so that its cold start imports no SDK; tests pass in-memory ports.
 */

import type { ClassLabel } from '../../ml/data/labels.ts';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import type { AliasName } from '../pipeline/records.ts';
import type { ArtifactStore, Clock, Metrics, Registry } from '../ports.ts';

export interface ServingSettings {
  /** How long an alias → version lookup (and the routing record) is reused before asking the registry again. */
  readonly aliasTtlMs: number;
  /** Most model versions kept loaded (least recently used evicted). */
  readonly modelCacheSize: number;
}

/** One scored row as captured: the monitor (issue #6) reads these lines back. */
export interface CapturedRow {
  readonly requestId: string;
  /** The row's index within its request (0-based): with requestId, what ground-truth feedback joins on. */
  readonly row: number;
  /** ISO-8601. */
  readonly at: string;
  readonly model: string;
  readonly version: number;
  readonly alias: AliasName | undefined;
  /** The validated input, as the preprocessor received it. */
  readonly input: InputRecord;
  readonly prediction: ClassLabel;
  /** Probability per class label (labels as strings, JSON object keys). */
  readonly probabilities: Readonly<Record<string, number>>;
}

/**
 * Where sampled predictions go. `offer` is on the request path and must stay cheap (it samples and
 * buffers; writing happens in batches); `flush` writes whatever is buffered.
 */
export interface CaptureSink {
  offer(rows: () => readonly CapturedRow[]): void;
  flush(): Promise<void>;
}

/** Log lines the serving code writes (shadow answers, cache loads): structured, never the request body. */
export interface ServingLog {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface ServingDeps {
  readonly artifacts: Pick<ArtifactStore, 'readBytes'>;
  readonly registry: Pick<Registry, 'getAlias' | 'getVersion' | 'listVersions' | 'getRouting'>;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly log: ServingLog;
  readonly capture: CaptureSink;
  /** Uniform in [0, 1): the canary draw (tests pass a seeded one). */
  readonly random: () => number;
  readonly settings: ServingSettings;
}
