import type { PipelineDeps } from '../../layers/core/pipeline/deps.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryExperiments,
  MemoryMetrics,
  MemoryOrchestrator,
  MemoryRegistry,
} from '../support/memory-ports.ts';

export interface MemoryDeps extends PipelineDeps {
  readonly artifacts: MemoryArtifactStore;
  readonly experiments: MemoryExperiments;
  readonly registry: MemoryRegistry;
  readonly orchestrator: MemoryOrchestrator;
  readonly metrics: MemoryMetrics;
  readonly clock: FixedClock;
}

/** In-memory ports with the bucket the sample events use. */
export function memoryDeps(): MemoryDeps {
  const clock = new FixedClock();
  return {
    artifacts: new MemoryArtifactStore(),
    experiments: new MemoryExperiments(),
    registry: new MemoryRegistry(clock),
    orchestrator: new MemoryOrchestrator(),
    metrics: new MemoryMetrics(),
    clock,
    bucket: 'synergy-dev-us-east-1-data',
    codeVersion: '0.1.0',
  };
}
