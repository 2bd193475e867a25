/**
 * What serverless.yml must declare for each function, as package.test.ts checks it in the packaged
 * template and bundles: its handler file, the env it is given, whether libsvm-js ships with it, and how
 * its handler refuses an empty event.
 */
export interface FunctionSpec {
  readonly key: string;
  readonly file: string;
  /** The resource variables serverless.yml gives it (besides the provider-wide ones). */
  readonly env: readonly string[];
  /** Its bundle reaches the model registry, so SVC, so libsvm-js must ship next to it. */
  readonly libsvm: boolean;
  /** The field its handler names when it refuses an empty event; absent for HTTP handlers, which answer. */
  readonly missingField?: string;
}

/** What the monitor and feedback functions build their MonitorSettings from. */
const MONITOR_SETTINGS_ENV = [
  'MONITOR_WINDOW_SECONDS',
  'ALARM_PREFIX',
  'DRIFT_PSI_THRESHOLD',
  'ACCURACY_FLOOR',
  'ALARM_PERIOD_SECONDS',
];

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    key: 'startRun',
    file: 'start-run',
    env: ['RUNS_TABLE', 'TRAINING_STATE_MACHINE_ARN'],
    libsvm: false,
    missingField: 'Records',
  },
  { key: 'prep', file: 'prep', env: ['DATA_BUCKET', 'RUNS_TABLE'], libsvm: true, missingField: 'runId' },
  { key: 'plan', file: 'plan', env: ['DATA_BUCKET', 'RUNS_TABLE'], libsvm: true, missingField: 'runId' },
  { key: 'train', file: 'train', env: ['DATA_BUCKET', 'RUNS_TABLE'], libsvm: true, missingField: 'runId' },
  { key: 'selectBest', file: 'select-best', env: ['RUNS_TABLE'], libsvm: true, missingField: 'runId' },
  {
    key: 'evaluate',
    file: 'evaluate',
    env: ['DATA_BUCKET', 'RUNS_TABLE'],
    libsvm: true,
    missingField: 'runId',
  },
  {
    key: 'register',
    file: 'register',
    env: ['DATA_BUCKET', 'RUNS_TABLE', 'REGISTRY_TABLE', 'CODE_VERSION', 'EVENT_BUS_NAME'],
    libsvm: true,
    missingField: 'runId',
  },
  {
    key: 'promote',
    file: 'promote',
    env: ['RUNS_TABLE', 'REGISTRY_TABLE', 'EVENT_BUS_NAME'],
    libsvm: true,
    missingField: 'runId',
  },
  {
    key: 'finishRun',
    file: 'finish-run',
    env: ['RUNS_TABLE', 'DATA_BUCKET', 'REGISTRY_TABLE', 'FUNCTION_MEMORY_MB'],
    libsvm: true,
    missingField: 'runId',
  },
  {
    key: 'recordFailure',
    file: 'record-failure',
    env: ['RUNS_TABLE', 'DATA_BUCKET', 'REGISTRY_TABLE', 'FUNCTION_MEMORY_MB'],
    libsvm: false,
    missingField: 'runId',
  },
  {
    key: 'predict',
    file: 'predict',
    env: [
      'DATA_BUCKET',
      'REGISTRY_TABLE',
      'SERVING_ALIAS_TTL_SECONDS',
      'MODEL_CACHE_SIZE',
      'CAPTURE_SAMPLE_RATE',
      'CAPTURE_BATCH_ROWS',
      'CAPTURE_BATCH_SECONDS',
    ],
    libsvm: false,
  },
  { key: 'authorizer', file: 'authorizer', env: ['API_KEYS_TABLE'], libsvm: false },
  {
    key: 'batchTransform',
    file: 'batch-transform',
    env: ['DATA_BUCKET', 'REGISTRY_TABLE'],
    libsvm: false,
    missingField: 'Records',
  },
  {
    key: 'monitor',
    file: 'monitor',
    env: ['DATA_BUCKET', 'REGISTRY_TABLE', ...MONITOR_SETTINGS_ENV],
    libsvm: false,
    missingField: 'modelName',
  },
  {
    key: 'feedback',
    file: 'feedback',
    env: ['DATA_BUCKET', 'REGISTRY_TABLE', ...MONITOR_SETTINGS_ENV, 'FEEDBACK_LOOKBACK_DAYS'],
    libsvm: false,
    missingField: 'Records',
  },
  {
    key: 'retrain',
    file: 'retrain',
    env: ['RUNS_TABLE', 'REGISTRY_TABLE', 'TRAINING_STATE_MACHINE_ARN', 'ALARM_PREFIX'],
    libsvm: false,
    missingField: 'detail-type',
  },
];
/** Functions the training state machine invokes (the others answer S3, EventBridge or HTTP events). */
export const NOT_IN_PIPELINE = new Set([
  'startRun',
  'predict',
  'authorizer',
  'batchTransform',
  'monitor',
  'feedback',
  'retrain',
]);
