/**
 * Runs of one dataset whose best models are known to rank weak < mid < strong on its holdout (the tests
 * assert it before relying on it), so the promotion gate has something real to compare.
 */
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import type { RunSpec } from './pipeline-fixture.ts';

export const MODEL_NAME = 'schedule';
const csv = generateConstructionCsv({ rows: 300, seed: 8 });
const common = { folds: 3, seed: 1 };

export const WEAK = { models: ['DecisionTree'], grids: { DecisionTree: { max_depth: [1] } }, ...common };
export const MID = {
  models: ['LogisticRegression'],
  grids: { LogisticRegression: { C: [0.01] } },
  ...common,
};
export const STRONG = {
  models: ['LogisticRegression'],
  grids: { LogisticRegression: { C: [1] } },
  ...common,
};

export function runSpec(runId: string, config: Record<string, unknown>): RunSpec {
  return { runId, modelName: MODEL_NAME, csv, config, reason: `test ${runId}` };
}
