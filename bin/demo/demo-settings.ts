/**
 * What the demo sets up, each with the reason it prints: the stage parameters of its stack and how much
 * traffic it sends. Training uses the defaults (the paper's grid: nine models, 190 CV cells, 5 folds)
 * unless `--config` gives a `_config.json`.
 */

/** The dataset name, and so the S3 prefix (incoming/<name>/) and the model name. */
export const DEMO_MODEL = 'schedule-adherence';
export const DEMO_TARGET = 'on_time';

export interface DemoParam {
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

/** serverless.yml stage parameters (`--param name=value`) the demo's stack runs with. */
export const DEMO_PARAMS: readonly DemoParam[] = [
  {
    name: 'captureSampleRate',
    value: '1',
    why: 'capture every request (default 10 %), so the monitor sees all of the demo traffic',
  },
  {
    name: 'aliasCacheSeconds',
    value: '1',
    why: 'an alias move reaches the endpoint within 1 s (default 5 s), so the rollback shows at once',
  },
];

export function demoParamValues(): Record<string, string> {
  return Object.fromEntries(DEMO_PARAMS.map((param) => [param.name, param.value]));
}

/**
 * Requests per phase. The endpoint writes captured rows in batches of 1,000 (CAPTURE_BATCH_ROWS) or after
 * 60 s, so whole thousands reach S3 at once; the drifted phase sends more, so it dominates the monitor's
 * one-hour window, which also holds the normal traffic.
 */
export const TRAFFIC = {
  normalRows: 1000,
  driftedRows: 2000,
  rowsPerRequest: 100,
  /** Seeds of the generator for the traffic (not the training data's). */
  normalSeed: 101,
  driftedSeed: 202,
} as const;
