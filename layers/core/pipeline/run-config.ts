/**
 * A run's settings: `incoming/<dataset>/_config.json` (and the upload's `target` metadata) on top of the
 * defaults. Validated with zod; the first problem is reported as RunConfigError naming the field.
 */
import { z } from 'zod';
import { ParamsError } from '../../ml/errors.ts';
import type { ModelName } from '../../ml/models/classifier.ts';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';
import { parseParams } from '../../ml/models/registry.ts';
import type { ParamGrid } from '../../ml/search/grid.ts';
import { loadGridConfig } from '../../ml/search/grid-config.ts';
import { RunConfigError } from '../errors.ts';

export interface RunConfig {
  /** Target column; default the last column. */
  readonly target?: string;
  readonly models: readonly ModelName[];
  /** Per-model grid overrides (a model without one uses the paper's grid). */
  readonly grids: Readonly<Partial<Record<ModelName, ParamGrid>>>;
  readonly folds: number;
  readonly seed: number;
  readonly testSize: number;
  readonly search: 'grid' | 'random';
  /** Configurations per model for random search. */
  readonly trials: number;
  /** The new model is promoted only if its holdout accuracy beats the champion's by more than this. */
  readonly promotionMargin: number;
  /** What Plan does with a cell estimated past the Lambda limit: fail the run, or subsample its rows. */
  readonly oversizedCells: 'refuse' | 'subsample';
}

export const DEFAULT_RUN_CONFIG: RunConfig = {
  models: MODEL_NAMES,
  grids: {},
  folds: 5,
  seed: 42,
  testSize: 0.2,
  search: 'grid',
  trials: 10,
  promotionMargin: 0,
  oversizedCells: 'refuse',
};

/** Fields of _config.json beyond the grid config's (models, grids, folds, seed, testSize). */
const pipelineFields = z.strictObject({
  target: z.string().min(1).optional(),
  search: z.enum(['grid', 'random']).optional(),
  trials: z.int().min(1).max(10_000).optional(),
  promotionMargin: z.number().min(0).max(1).optional(),
  oversizedCells: z.enum(['refuse', 'subsample']).optional(),
});

const GRID_KEYS = new Set(['models', 'grids', 'folds', 'seed', 'testSize']);

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(config)' : path.map(String).join('.');
}

/**
 * Resolves a run's config. `json` is the parsed _config.json (undefined when there is none);
 * `targetFromMetadata` is the upload's `target` metadata, which wins over the file's.
 */
export function resolveRunConfig(json: unknown, targetFromMetadata?: string): RunConfig {
  if (json !== undefined && (typeof json !== 'object' || json === null || Array.isArray(json))) {
    throw new RunConfigError('_config.json: must be a JSON object', { field: '(config)' });
  }
  const raw = (json ?? {}) as Record<string, unknown>;
  const gridPart: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) (GRID_KEYS.has(key) ? gridPart : rest)[key] = value;

  let grid: ReturnType<typeof loadGridConfig>;
  try {
    grid = loadGridConfig(gridPart, { validate: (model, params) => void parseParams(model, params) });
  } catch (error) {
    if (error instanceof ParamsError) {
      throw new RunConfigError(
        `_config.json: ${error.message.replace(/^grid config: /, '')}`,
        error.context,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  const parsed = pipelineFields.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue.code === 'unrecognized_keys' ? fieldPath([...issue.path, issue.keys[0]]) : fieldPath(issue.path);
    const reason = issue.code === 'unrecognized_keys' ? `unknown field "${issue.keys[0]}"` : issue.message;
    throw new RunConfigError(`_config.json: ${field}: ${reason}`, { field });
  }
  const d = DEFAULT_RUN_CONFIG;
  const target = targetFromMetadata ?? parsed.data.target;
  return {
    ...(target === undefined ? {} : { target }),
    models: grid.models ?? d.models,
    grids: grid.grids ?? d.grids,
    folds: grid.folds ?? d.folds,
    seed: grid.seed ?? d.seed,
    testSize: grid.testSize ?? d.testSize,
    search: parsed.data.search ?? d.search,
    trials: parsed.data.trials ?? d.trials,
    promotionMargin: parsed.data.promotionMargin ?? d.promotionMargin,
    oversizedCells: parsed.data.oversizedCells ?? d.oversizedCells,
  };
}
