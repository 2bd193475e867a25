import { ParamsError } from '../errors.ts';
import { issuePath } from '../issue-path.ts';
import type { ModelName } from '../models/classifier.ts';
import { MODEL_NAMES } from '../models/classifier.ts';
import * as z from '../zod.ts';
import type { ParamGrid } from './grid.ts';
import { expandGrid } from './grid.ts';

/**
 * A user's search settings as parsed: absent fields stay undefined so the caller can layer its own
 * defaults and command-line flags on top.
 */
export interface GridConfig {
  readonly models?: ModelName[];
  /** Replaces the paper's grid (PAPER_GRIDS) for each model named here. */
  readonly grids?: Readonly<Partial<Record<ModelName, ParamGrid>>>;
  readonly folds?: number;
  readonly seed?: number;
  readonly testSize?: number;
}

export interface GridConfigOptions {
  /** Checks one parameter combination against the model's schema; throw ParamsError to reject it. */
  readonly validate?: (model: ModelName, params: Record<string, unknown>) => void;
}

const expectedModels = `expected one of ${MODEL_NAMES.join(', ')}`;

const modelName = z.enum(MODEL_NAMES, {
  error: (issue) => `unknown model "${String(issue.input)}" (${expectedModels})`,
});

const gridSchema = z.record(
  z.string(),
  z.array(z.unknown()).check(z.minLength(1, { error: 'must be a non-empty list of values' })),
);

const configSchema = z.strictObject({
  models: z.optional(z.array(modelName).check(z.minLength(1, { error: 'must list at least one model' }))),
  grids: z.optional(z.partialRecord(modelName, gridSchema)),
  folds: z.optional(z.int().check(z.minimum(2), z.maximum(100))),
  seed: z.optional(z.int().check(z.minimum(0), z.maximum(0xffffffff))),
  testSize: z.optional(z.number().check(z.gt(0), z.lt(1))),
});

/** The first problem as `<field path>: <reason>`; an unknown key is reported at its own path. */
function describeIssue(issue: z.core.$ZodIssue): { field: string; reason: string } {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const underGrids = issue.path.length === 1 && issue.path[0] === 'grids';
    return {
      field: issuePath([...issue.path, key], '(config)'),
      reason: underGrids ? `unknown model "${key}" (${expectedModels})` : `unknown field "${key}"`,
    };
  }
  return { field: issuePath(issue.path, '(config)'), reason: issue.message };
}

/**
 * Parses a user's grid override `{ models?, grids?, folds?, seed?, testSize? }`. Unknown fields or model
 * names, repeated models, empty value lists and out-of-range numbers throw ParamsError naming the field
 * path. With `validate`, every combination of every given grid is checked too (the hook is where the
 * model's zod schema comes in; this module does not know the models).
 */
export function loadGridConfig(json: unknown, opts: GridConfigOptions = {}): GridConfig {
  const parsed = configSchema.safeParse(json ?? {});
  if (!parsed.success) {
    const { field, reason } = describeIssue(parsed.error.issues[0]);
    throw new ParamsError(`grid config: ${field}: ${reason}`, { field });
  }
  const cfg = parsed.data;
  const models = cfg.models;
  models?.forEach((name, i) => {
    if (models.indexOf(name) !== i) {
      throw new ParamsError(`grid config: models[${i}]: "${name}" is listed twice`, {
        field: `models[${i}]`,
      });
    }
  });
  const grids: Partial<Record<ModelName, ParamGrid>> | undefined = cfg.grids;
  if (grids && opts.validate) {
    for (const [model, grid] of Object.entries(grids) as [ModelName, ParamGrid][]) {
      for (const params of expandGrid(grid)) validateCombination(opts.validate, model, params);
    }
  }
  return stripUndefined({ models, grids, folds: cfg.folds, seed: cfg.seed, testSize: cfg.testSize });
}

function stripUndefined(cfg: GridConfig): GridConfig {
  return Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== undefined)) as GridConfig;
}

function validateCombination(
  validate: NonNullable<GridConfigOptions['validate']>,
  model: ModelName,
  params: Record<string, unknown>,
): void {
  try {
    validate(model, params);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ParamsError(
      `grid config: grids.${model}: ${reason}`,
      { field: `grids.${model}`, model, params },
      {
        cause: err,
      },
    );
  }
}
