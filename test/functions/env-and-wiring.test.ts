/**
 * Env parsing names the variable at fault; the wiring builds each adapter on first use (a function given
 * no REGISTRY_TABLE fails only if it touches the registry, and says so), once per container, with SDK
 * clients configured from the standard AWS env.
 */
import { describe, expect, it, vi } from 'vitest';

vi.stubEnv('AWS_REGION', 'us-east-1');
vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:4569');
vi.stubEnv('AWS_REQUEST_CHECKSUM_CALCULATION', 'WHEN_REQUIRED');
vi.stubEnv('AWS_RESPONSE_CHECKSUM_VALIDATION', 'WHEN_REQUIRED');
const { parseEnv } = await import('../../layers/aws/lambda/env.ts');
const { pipelineDeps, wiredS3Client } = await import('../../layers/aws/wiring.ts');
const { DynamoExperiments } = await import('../../layers/aws/dynamo-experiments.ts');
const { S3ArtifactStore } = await import('../../layers/aws/s3-artifact-store.ts');
const { DynamoRegistry } = await import('../../layers/aws/dynamo-registry.ts');
const { servingDeps, setServingDepsForTest } = await import('../../layers/aws/serving-wiring.ts');

describe('parseEnv', () => {
  it('returns exactly the variables asked for', () => {
    const env = parseEnv(['RUNS_TABLE', 'DATA_BUCKET'], {
      RUNS_TABLE: 'synergy-dev-runs',
      DATA_BUCKET: 'synergy-dev-data',
      REGISTRY_TABLE: 'not asked for',
    });
    expect(env).toEqual({ RUNS_TABLE: 'synergy-dev-runs', DATA_BUCKET: 'synergy-dev-data' });
  });

  it('names a missing variable', () => {
    expect(() => parseEnv(['DATA_BUCKET', 'RUNS_TABLE'], { DATA_BUCKET: 'synergy-dev-data' })).toThrow(
      expect.objectContaining({
        name: 'EnvConfigError',
        message: 'Environment variable RUNS_TABLE is not set',
        context: expect.objectContaining({ variable: 'RUNS_TABLE' }),
      }),
    );
  });

  it('names a malformed variable and what it must be', () => {
    expect(() => parseEnv(['DATA_BUCKET'], { DATA_BUCKET: 'Synergy_Data' })).toThrow(
      'Environment variable DATA_BUCKET must be an S3 bucket name',
    );
    expect(() =>
      parseEnv(['TRAINING_STATE_MACHINE_ARN'], { TRAINING_STATE_MACHINE_ARN: 'training' }),
    ).toThrow('Environment variable TRAINING_STATE_MACHINE_ARN must be a state machine ARN');
  });
});

describe('parseEnv of the serving variables', () => {
  const serving = {
    API_KEYS_TABLE: 'synergy-dev-api-keys',
    SERVING_ALIAS_TTL_SECONDS: '5',
    MODEL_CACHE_SIZE: '8',
    CAPTURE_SAMPLE_RATE: '0.1',
    CAPTURE_BATCH_ROWS: '1000',
    CAPTURE_BATCH_SECONDS: '60',
  };
  const names = Object.keys(serving) as (keyof typeof serving)[];

  it('reads numbers from the strings the environment holds', () => {
    expect(parseEnv(names, serving)).toEqual({
      API_KEYS_TABLE: 'synergy-dev-api-keys',
      SERVING_ALIAS_TTL_SECONDS: 5,
      MODEL_CACHE_SIZE: 8,
      CAPTURE_SAMPLE_RATE: 0.1,
      CAPTURE_BATCH_ROWS: 1000,
      CAPTURE_BATCH_SECONDS: 60,
    });
    expect(
      parseEnv(['SERVING_ALIAS_TTL_SECONDS', 'CAPTURE_SAMPLE_RATE'], {
        SERVING_ALIAS_TTL_SECONDS: '0',
        CAPTURE_SAMPLE_RATE: '1',
      }),
    ).toEqual({
      SERVING_ALIAS_TTL_SECONDS: 0,
      CAPTURE_SAMPLE_RATE: 1,
    });
  });

  it.each([
    ['SERVING_ALIAS_TTL_SECONDS', '-1', 'must be a number ≥ 0'],
    ['SERVING_ALIAS_TTL_SECONDS', 'five', 'must be a number ≥ 0'],
    ['MODEL_CACHE_SIZE', '0', 'must be an integer ≥ 1'],
    ['MODEL_CACHE_SIZE', '2.5', 'must be an integer ≥ 1'],
    ['CAPTURE_SAMPLE_RATE', '1.5', 'must be a number from 0 to 1'],
    ['CAPTURE_BATCH_ROWS', 'Infinity', 'must be an integer ≥ 1'],
    ['CAPTURE_BATCH_SECONDS', '0', 'must be a number > 0'],
    ['CAPTURE_BATCH_SECONDS', ' ', 'must be a number > 0'],
    ['API_KEYS_TABLE', '  ', 'must not be empty'],
  ] as const)('names %s=%j and what it must be', (variable, value, rule) => {
    expect(() => parseEnv(names, { ...serving, [variable]: value })).toThrow(
      expect.objectContaining({
        name: 'EnvConfigError',
        message: `Environment variable ${variable} ${rule}`,
        context: expect.objectContaining({ variable }),
      }),
    );
  });

  it('names a missing serving variable', () => {
    const { MODEL_CACHE_SIZE: _, ...missing } = serving;
    expect(() => parseEnv(names, missing)).toThrow('Environment variable MODEL_CACHE_SIZE is not set');
  });
});

describe('servingDeps', () => {
  const env = {
    REGISTRY_TABLE: 'synergy-dev-registry',
    DATA_BUCKET: 'synergy-dev-data',
    SERVING_ALIAS_TTL_SECONDS: 5,
    MODEL_CACHE_SIZE: 8,
    CAPTURE_SAMPLE_RATE: 0.1,
    CAPTURE_BATCH_ROWS: 1000,
    CAPTURE_BATCH_SECONDS: 60,
  };

  it('builds the AWS-backed ports once per container, with the settings in milliseconds', async () => {
    const deps = await servingDeps(env);
    expect(deps.artifacts).toBeInstanceOf(S3ArtifactStore);
    expect(deps.registry).toBeInstanceOf(DynamoRegistry);
    expect(deps.settings).toEqual({ aliasTtlMs: 5000, modelCacheSize: 8 });
    expect(deps.clock.now()).toBeInstanceOf(Date);
    expect(await servingDeps(env)).toBe(deps);
  });

  it('gives the ports a test sets instead, until reset', async () => {
    const real = await servingDeps(env);
    const fake = { ...real, settings: { aliasTtlMs: 0, modelCacheSize: 1 } };
    setServingDepsForTest(fake);
    try {
      expect(await servingDeps(env)).toBe(fake);
    } finally {
      setServingDepsForTest(undefined);
    }
    expect(await servingDeps(env)).toBe(real);
  });
});

describe('pipelineDeps', () => {
  it('builds the adapters a function uses, once per container', () => {
    const env = { RUNS_TABLE: 'synergy-dev-runs', DATA_BUCKET: 'synergy-dev-data' };
    const deps = pipelineDeps(env);
    expect(deps.experiments).toBeInstanceOf(DynamoExperiments);
    expect(deps.artifacts).toBeInstanceOf(S3ArtifactStore);
    expect(deps.bucket).toBe('synergy-dev-data');
    expect(pipelineDeps(env)).toBe(deps);
    expect(deps.experiments).toBe(deps.experiments);
  });

  it('names the variable a function was not given when its use case touches that port', () => {
    const deps = pipelineDeps({ RUNS_TABLE: 'synergy-dev-runs' });
    expect(() => deps.registry).toThrow(
      expect.objectContaining({ name: 'EnvConfigError', context: { variable: 'REGISTRY_TABLE' } }),
    );
    expect(() => deps.orchestrator).toThrow(/TRAINING_STATE_MACHINE_ARN/);
    expect(() => deps.bucket).toThrow(/DATA_BUCKET/);
    expect(() => deps.codeVersion).toThrow(/CODE_VERSION/);
  });

  it('gives S3 path-style addressing on a custom endpoint and the checksum settings of the env', async () => {
    const s3 = wiredS3Client();
    expect(s3.config.forcePathStyle).toBe(true);
    expect(await s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await s3.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
  });
});
