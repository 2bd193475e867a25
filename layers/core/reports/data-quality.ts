/**
 * Data-quality checks of a run's data, from what the run recorded: the training split's baseline
 * (runs/<runId>/statistics.json, SageMaker Model Monitor's format: per column present and missing
 * counts, numeric min/max/mean, categorical distinct values) and the test split's class supports. Only
 * the training split is profiled, after the split and before imputation; a run prepared before baselines
 * existed has none, and the page says so.
 */
import { z } from 'zod';

export interface ColumnQuality {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly present: number;
  readonly missing: number;
  /** missing / (present + missing); 0 for an empty column. */
  readonly missingShare: number;
  /** numeric: min, mean, max; categorical: distinct values. */
  readonly min?: number;
  readonly mean?: number;
  readonly max?: number;
  readonly distinct?: number;
}

export interface QualityCheck {
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

export type DataQuality =
  | {
      readonly available: true;
      /** Rows profiled (the training split). */
      readonly rows: number;
      readonly columns: readonly ColumnQuality[];
      readonly checks: readonly QualityCheck[];
    }
  | { readonly available: false; readonly reason: string; readonly checks: readonly QualityCheck[] };

/** A column with more than this share missing is flagged. */
export const MISSING_WARNING_SHARE = 0.2;
/** A class with less than this share of the test rows is flagged as rare. */
export const RARE_CLASS_SHARE = 0.05;

const count = z.number().nonnegative().catch(0);
const common = z.object({ num_present: count, num_missing: count }).partial();
const optionalNumber = z.number().nullable().optional().catch(undefined);
const featureSchema = z.object({
  name: z.string(),
  inferred_type: z.string().optional(),
  numerical_statistics: z
    .object({ common: common.optional(), mean: optionalNumber, min: optionalNumber, max: optionalNumber })
    .optional(),
  string_statistics: z.object({ common: common.optional(), distinct_count: optionalNumber }).optional(),
});
const statisticsSchema = z.object({
  dataset: z.object({ item_count: z.number().nonnegative() }).partial().optional(),
  features: z.array(featureSchema),
});

function columnOf(feature: z.infer<typeof featureSchema>): ColumnQuality {
  const numeric = feature.numerical_statistics;
  const stats = numeric ?? feature.string_statistics;
  const present = stats?.common?.num_present ?? 0;
  const missing = stats?.common?.num_missing ?? 0;
  const total = present + missing;
  const base = { name: feature.name, present, missing, missingShare: total === 0 ? 0 : missing / total };
  if (numeric) {
    return {
      ...base,
      kind: 'numeric',
      ...(numeric.min == null ? {} : { min: numeric.min }),
      ...(numeric.mean == null ? {} : { mean: numeric.mean }),
      ...(numeric.max == null ? {} : { max: numeric.max }),
    };
  }
  const distinct = feature.string_statistics?.distinct_count;
  return { ...base, kind: 'categorical', ...(distinct == null ? {} : { distinct }) };
}

/** Per-class test supports (classification report) → the class-balance checks. */
export interface ClassSupport {
  readonly label: string;
  readonly support: number;
}

function classChecks(supports: readonly ClassSupport[]): QualityCheck[] {
  if (supports.length === 0) return [];
  const total = supports.reduce((sum, c) => sum + c.support, 0);
  const absent = supports.filter((c) => c.support === 0).map((c) => c.label);
  const rare = supports.filter((c) => c.support > 0 && c.support / total < RARE_CLASS_SHARE);
  return [
    {
      label: 'Every class is in the test split',
      ok: absent.length === 0,
      detail:
        absent.length === 0
          ? `${supports.length} classes, ${total} test rows`
          : `no test rows of ${absent.join(', ')}`,
    },
    {
      label: `No class under ${RARE_CLASS_SHARE * 100}% of the test rows`,
      ok: rare.length === 0,
      detail:
        rare.length === 0
          ? `smallest: ${Math.min(...supports.map((c) => c.support))} of ${total}`
          : rare.map((c) => `${c.label}: ${c.support} of ${total}`).join('; '),
    },
  ];
}

function columnChecks(columns: readonly ColumnQuality[]): QualityCheck[] {
  const withMissing = columns.filter((c) => c.missing > 0);
  const heavy = columns.filter((c) => c.missingShare > MISSING_WARNING_SHARE);
  const empty = columns.filter((c) => c.present === 0);
  const constant = columns.filter(
    (c) =>
      c.present > 0 && (c.kind === 'numeric' ? c.min === c.max && c.min !== undefined : c.distinct === 1),
  );
  const names = (list: readonly ColumnQuality[]): string => list.map((c) => c.name).join(', ');
  return [
    {
      label: 'No column is entirely missing',
      ok: empty.length === 0,
      detail: empty.length === 0 ? `${columns.length} columns profiled` : names(empty),
    },
    {
      label: `No column over ${MISSING_WARNING_SHARE * 100}% missing (imputed in training)`,
      ok: heavy.length === 0,
      detail:
        withMissing.length === 0
          ? 'no missing cells'
          : `${withMissing.length} column(s) with missing cells${heavy.length > 0 ? `; over the limit: ${names(heavy)}` : ''}`,
    },
    {
      label: 'No constant column',
      ok: constant.length === 0,
      detail: constant.length === 0 ? 'every column varies' : names(constant),
    },
  ];
}

/** `statistics` is the parsed statistics.json, or undefined when the run has none. */
export function assessDataQuality(statistics: unknown, supports: readonly ClassSupport[]): DataQuality {
  const classes = classChecks(supports);
  if (statistics === undefined) {
    return {
      available: false,
      reason: 'This run recorded no training baseline (statistics.json): only the class balance is checked.',
      checks: classes,
    };
  }
  const parsed = statisticsSchema.safeParse(statistics);
  if (!parsed.success) {
    return {
      available: false,
      reason: `The run's statistics.json could not be read (${parsed.error.issues[0]?.path.join('.') || 'document'}: ${parsed.error.issues[0]?.message}); only the class balance is checked.`,
      checks: classes,
    };
  }
  const columns = parsed.data.features.map(columnOf);
  const rows = parsed.data.dataset?.item_count ?? Math.max(0, ...columns.map((c) => c.present + c.missing));
  return { available: true, rows, columns, checks: [...columnChecks(columns), ...classes] };
}
