export type { CellScore, CrossValidation } from './cross-validate.ts';
export { crossValidate, parseModelParams, scoreCell, summarizeScores } from './cross-validate.ts';
export type { ParamGrid } from './grid.ts';
export { expandGrid, paramsKey } from './grid.ts';
export type { GridConfig, GridConfigOptions } from './grid-config.ts';
export { loadGridConfig } from './grid-config.ts';
export type { GridResult, GridSearchOptions, GridSearchResult } from './grid-search.ts';
export { bestIndex, gridSearch, rankByMean } from './grid-search.ts';
export { PAPER_GRIDS } from './paper-grids.ts';
