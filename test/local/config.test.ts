import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ServerlessPrintError } from '../../local/config/errors.ts';
import { cacheKey, printServerlessConfig } from '../../local/config/print.ts';
import { deriveStackConfig } from '../../local/config/stack-config.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/app', import.meta.url));
const SERVERLESS = fileURLToPath(new URL('../../node_modules/.bin/serverless', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'synergy-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('serverless print of the fixture service', () => {
  it('prints once, then answers from the cache', async () => {
    const cacheDir = join(scratch, 'cache');
    const printed = await printServerlessConfig({ root: FIXTURE, cacheDir });
    const cached = await printServerlessConfig({ root: FIXTURE, cacheDir });
    expect(printed.fromCache).toBe(false);
    expect(cached.fromCache).toBe(true);
    expect(cached.config).toEqual(printed.config);
    expect(cached.ms).toBeLessThan(printed.ms);

    const config = deriveStackConfig(printed.config);
    expect(config).toMatchObject({
      service: 'fixture',
      stage: 'local',
      region: 'eu-west-1',
      accountId: '000000000000',
    });
    const echo = config.functions.echo;
    expect(echo).toMatchObject({
      name: 'fixture-local-echo',
      arn: 'arn:aws:lambda:eu-west-1:000000000000:function:fixture-local-echo',
      handler: { module: 'functions/echo', exportName: 'handler' },
      timeoutSeconds: 2,
      memorySizeMb: 128,
      s3Events: [
        { bucket: 'fixture-local-data', event: 's3:ObjectCreated:*', prefix: 'incoming/', suffix: '.csv' },
      ],
    });
    // provider env, overlaid by the function's, every intrinsic resolved to its local value
    expect(echo.environment).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      STAGE: 'local',
      TABLE_NAME: 'fixture-local-items',
      MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:fixture-local-mini',
      TABLE_ARN: 'arn:aws:dynamodb:eu-west-1:000000000000:table/fixture-local-items',
      GREETING: 'hello from eu-west-1 in local',
      BUCKET_ARN: 'arn:aws:s3:::fixture-local-extra',
    });
    // provider defaults apply where the function sets nothing
    expect(config.functions.fail).toMatchObject({ timeoutSeconds: 1, memorySizeMb: 256, s3Events: [] });

    expect(config.stateMachines).toHaveLength(1);
    const [machine] = config.stateMachines;
    expect(machine).toMatchObject({
      key: 'mini',
      name: 'fixture-local-mini',
      logicalId: 'MiniStateMachine',
      arn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:fixture-local-mini',
    });
    const states = machine.definition.States as Record<string, Record<string, unknown>>;
    // ${self:…} inside the included file is resolved by serverless; the function GetAtt is kept for the engine
    expect(states.Echo).toMatchObject({ TimeoutSeconds: 4, Resource: { 'Fn::GetAtt': ['echo', 'Arn'] } });

    expect(config.dataBucket).toBe('fixture-local-data');
    expect(config.buckets.map((bucket) => bucket.name).sort()).toEqual([
      'fixture-local-data',
      'fixture-local-extra',
    ]);
    expect(config.tables).toEqual([
      {
        logicalId: 'ItemsTable',
        name: 'fixture-local-items',
        properties: {
          TableName: 'fixture-local-items',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        },
      },
    ]);
    expect(config.esbuild).toMatchObject({ format: 'esm', outputFileExtension: '.mjs', external: ['zod'] });
  });

  it("fails with serverless's own message", async () => {
    const root = join(scratch, 'broken');
    mkdirSync(root, { recursive: true });
    writeFileSync(
      join(root, 'serverless.yml'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation/serverless syntax, not a JS template
      'service: broken\nprovider:\n  name: aws\n  environment:\n    X: ${self:custom.missing}\n',
    );
    const printing = printServerlessConfig({
      root,
      cacheDir: join(root, 'cache'),
      serverlessBin: SERVERLESS,
    });
    await expect(printing).rejects.toBeInstanceOf(ServerlessPrintError);
    await expect(printing).rejects.toThrow(/Cannot resolve variable at "provider\.environment\.X"/);
  });
});

describe('print cache key', () => {
  it('changes with serverless.yml, an included state machine, the stage and the env vars serverless.yml reads', async () => {
    const root = join(scratch, 'keyed');
    mkdirSync(join(root, 'state-machines'), { recursive: true });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a serverless variable, not a JS template
    writeFileSync(join(root, 'serverless.yml'), 'service: a\ncustom:\n  bucket: ${env:KEYED_BUCKET, "x"}\n');
    writeFileSync(join(root, 'state-machines', 'm.yml'), 'StartAt: A\n');
    const base = await cacheKey(root, 'local', undefined);
    expect(await cacheKey(root, 'local', undefined)).toBe(base);
    expect(await cacheKey(root, 'other', undefined)).not.toBe(base);

    writeFileSync(join(root, 'state-machines', 'm.yml'), 'StartAt: B\n');
    const afterMachine = await cacheKey(root, 'local', undefined);
    expect(afterMachine).not.toBe(base);

    process.env.KEYED_BUCKET = 'changed';
    try {
      expect(await cacheKey(root, 'local', undefined)).not.toBe(afterMachine);
    } finally {
      delete process.env.KEYED_BUCKET;
    }
    expect(await cacheKey(root, 'local', undefined)).toBe(afterMachine);
  });
});
