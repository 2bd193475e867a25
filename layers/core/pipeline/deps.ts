/**
 * What the pipeline's use cases run against. Each use case takes `Pick<PipelineDeps, …>` of just the
 * ports it touches, so a test builds only those and a handler can see at a glance what it needs.
 */
import type { ArtifactStore, Clock, Experiments, Metrics, Orchestrator, Registry } from '../ports.ts';

export interface PipelineDeps {
  readonly artifacts: ArtifactStore;
  readonly experiments: Experiments;
  readonly registry: Registry;
  readonly orchestrator: Orchestrator;
  readonly metrics: Metrics;
  readonly clock: Clock;
  /** The data bucket: uploads, run outputs, model artifacts. */
  readonly bucket: string;
  /** The deployed code's version (git sha or package version), kept in model lineage. */
  readonly codeVersion: string;
}
