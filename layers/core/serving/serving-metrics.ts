/** The endpoint's per-model, per-alias EMF metrics. */
import type { ServingDeps } from './deps.ts';
import type { Target } from './routing.ts';

/** Metric dimensions before the request reached a model (a made-up name must not become a dimension). */
export const UNRESOLVED = { model: '(unresolved)', alias: '(unresolved)' } as const;

export function dimensionsOf(target: Target): Readonly<Record<string, string>> {
  return { model: target.record.modelName, alias: target.alias ?? '(version)' };
}

/** One answered request: its count and latency, and its error by status class. */
export function recordRequest(
  deps: ServingDeps,
  target: Target | undefined,
  statusCode: number,
  started: number,
): void {
  const dimensions = target === undefined ? UNRESOLVED : dimensionsOf(target);
  deps.metrics.add('PredictRequests', 'Count', 1, dimensions);
  deps.metrics.add('PredictLatency', 'Milliseconds', performance.now() - started, dimensions);
  if (statusCode >= 400) {
    deps.metrics.add('PredictErrors', 'Count', 1, {
      statusClass: statusCode >= 500 ? '5xx' : '4xx',
      ...dimensions,
    });
  }
}
