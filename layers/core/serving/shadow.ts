/**
 * Shadow scoring: after the primary answer is computed, the routing's shadow alias scores the same rows;
 * its labels and their agreement with the answer are logged (and the agreement recorded as a metric),
 * never returned. A shadow that fails is a warning: the request it shadows has already succeeded.
 */
import type { ClassLabel } from '../../ml/data/labels.ts';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import type { ServingDeps } from './deps.ts';
import { resolveShadow, type Selector, type Target } from './routing.ts';
import { agreementPercent, scoreRecords } from './score.ts';
import { dimensionsOf } from './serving-metrics.ts';
import type { ServingRuntime } from './serving-runtime.ts';

/** Shadow logs carry at most this many labels per side: enough to compare, bounded for big batches. */
const SHADOW_LOG_LABELS = 100;

export async function scoreShadow(
  deps: ServingDeps,
  runtime: ServingRuntime,
  selector: Selector,
  primary: Target,
  records: readonly InputRecord[],
  labels: readonly ClassLabel[],
  requestId: string,
): Promise<void> {
  const started = performance.now();
  let shadow: Target | undefined;
  try {
    shadow = await resolveShadow(runtime.resolver, selector, primary);
    if (shadow === undefined) return;
    const scores = await runtime.models.use(shadow.record, (model) => scoreRecords(model, records));
    const agreement = agreementPercent(labels, scores.labels);
    deps.metrics.add('ShadowAgreement', 'Percent', agreement, dimensionsOf(shadow));
    deps.log.info('shadow', {
      requestId,
      model: primary.record.modelName,
      version: primary.record.version,
      alias: primary.alias,
      shadowVersion: shadow.record.version,
      shadowAlias: shadow.alias,
      rows: records.length,
      agreement,
      ms: Math.round((performance.now() - started) * 1000) / 1000,
      labels: labels.slice(0, SHADOW_LOG_LABELS),
      shadowLabels: scores.labels.slice(0, SHADOW_LOG_LABELS),
    });
  } catch (error) {
    deps.log.warn('shadow failed', {
      requestId,
      model: primary.record.modelName,
      version: primary.record.version,
      shadowVersion: shadow?.record.version,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}
