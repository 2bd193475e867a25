/**
 * `synergy keys create|list|revoke` joining a running local stack (its endpoints.json in a temp
 * SYNERGY_STATE_DIR) whose DynamoDB holds the tables serverless.yml declares. Only dynalite is started: the
 * keys commands touch nothing else. One create runs as a child process of the real CLI, as a user runs it;
 * the rest call the command in this process, since each CLI process spends seconds importing the stack code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runKeys } from '../../bin/commands/keys.ts';
import { exitCodeFor } from '../../bin/errors.ts';
import { createDocumentClient } from '../../layers/aws/document-client.ts';
import { DynamoApiKeys } from '../../layers/aws/dynamo-api-keys.ts';
import { authorize } from '../../layers/core/auth/authorize.ts';
import { loadStackConfig, tableName } from '../../local/config/stack-config.ts';
import { writeEndpoints } from '../../local/endpoints.ts';
import {
  createTablesFromCloudFormation,
  type StartedDynamo,
  startDynamo,
} from '../../local/services/dynamodb.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin/synergy.mjs');
const dir = mkdtempSync(join(tmpdir(), 'synergy-keys-'));
const stateDir = join(dir, 'state');

let dynamo: StartedDynamo;
let client: DynamoDBClient;
let apiKeys: DynamoApiKeys;

beforeAll(async () => {
  const config = await loadStackConfig({ root, stage: 'local', cacheDir: join(stateDir, 'cache') });
  dynamo = await startDynamo();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTablesFromCloudFormation(
    client,
    Object.fromEntries(
      config.tables.map((t) => [t.logicalId, { Type: 'AWS::DynamoDB::Table', Properties: t.properties }]),
    ),
  );
  // Nothing listens on port 9: the keys commands must not need S3 or Step Functions.
  await writeEndpoints(stateDir, {
    s3: 'http://127.0.0.1:9',
    dynamodb: dynamo.endpoint,
    stepfunctions: 'http://127.0.0.1:9',
    api: null,
    bucket: config.dataBucket,
    region: config.region,
  });
  apiKeys = new DynamoApiKeys(createDocumentClient(client), tableName(config, 'ApiKeysTable'));
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function synergy(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env: { ...process.env, SYNERGY_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs the command in this process, returning what it printed on stdout. */
async function keys(args: string[]): Promise<string> {
  vi.stubEnv('SYNERGY_STATE_DIR', stateDir);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await runKeys(args, root)).toBe(0);
    return stdout;
  } finally {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }
}

/** The error the command fails with, and the exit code the CLI gives it. */
async function failure(args: string[]): Promise<{ message: string; exitCode: number }> {
  try {
    await keys(args);
  } catch (error) {
    return { message: error instanceof Error ? error.message : String(error), exitCode: exitCodeFor(error) };
  }
  throw new Error(`synergy keys ${args.join(' ')} did not fail`);
}

describe('synergy keys', () => {
  it('create → list → revoke: the key works until revoked, and is printed only by create', async () => {
    const created = await synergy(['keys', 'create', '--name', 'ci pipeline', '--json']);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/Using the running stack/);
    const out = JSON.parse(created.stdout) as { keyId: string; key: string; name: string };
    expect(Object.keys(out).sort()).toEqual(['key', 'keyId', 'name']);
    expect(out.name).toBe('ci pipeline');
    expect(out.key.startsWith(`syn_${out.keyId}_`)).toBe(true);
    expect(await authorize({ apiKeys }, `Bearer ${out.key}`)).toMatchObject({
      isAuthorized: true,
      context: { keyId: out.keyId, keyName: 'ci pipeline' },
    });

    const listed = await keys(['list', '--json']);
    const entries = JSON.parse(listed) as Array<Record<string, unknown>>;
    const entry = entries.find((e) => e.keyId === out.keyId);
    expect(entry).toMatchObject({ keyId: out.keyId, name: 'ci pipeline', createdBy: expect.any(String) });
    expect(entry).not.toHaveProperty('revokedAt');
    expect(entry).not.toHaveProperty('secretSha256');
    expect(listed).not.toContain(out.key.slice(17));

    const revoked = await keys(['revoke', out.keyId]);
    expect(revoked).toContain(`Revoked API key ${out.keyId} ("ci pipeline")`);
    expect(await authorize({ apiKeys }, `Bearer ${out.key}`)).toMatchObject({
      isAuthorized: false,
      reason: 'revoked',
    });

    const table = await keys(['list']);
    const row = table.split('\n').find((line) => line.startsWith(out.keyId));
    expect(row).toMatch(
      /ci pipeline\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\S+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );
  }, 60_000);

  it('create without --json prints the key once, with the warning that it cannot be shown again', async () => {
    const created = await keys(['create', '--name', 'laptop']);
    const printed = created.match(/syn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/g) ?? [];
    expect(new Set(printed).size).toBe(1);
    expect(created).toMatch(/cannot be shown again/);
    expect(await authorize({ apiKeys }, `Bearer ${printed[0]}`)).toMatchObject({ isAuthorized: true });
    expect(await keys(['list'])).not.toContain(printed[0]);
  }, 60_000);

  it('fails with exit code 2 and a message for an unknown key id, a bad name or action', async () => {
    expect(await failure(['revoke', '0123456789ab'])).toEqual({
      message: 'no API key "0123456789ab"',
      exitCode: 2,
    });
    expect(await failure(['revoke', 'ci'])).toMatchObject({ message: /not a key id/, exitCode: 2 });
    expect(await failure(['revoke'])).toMatchObject({ message: /needs a key id/, exitCode: 2 });
    expect(await failure(['create'])).toMatchObject({ message: /needs --name/, exitCode: 2 });
    expect(await failure(['create', '--name', ' '])).toMatchObject({
      message: '--name must not be empty',
      exitCode: 2,
    });
    expect(await failure(['list', '--name', 'x'])).toMatchObject({ message: /create only/, exitCode: 2 });
    expect(await failure(['list', 'extra'])).toMatchObject({
      message: /unexpected argument "extra"/,
      exitCode: 2,
    });
    expect(await failure(['create', '--name', 'x', '--nmae', 'y'])).toMatchObject({ exitCode: 2 });
  }, 60_000);

  it('the real CLI answers an unknown action with exit code 2 on stderr', async () => {
    const action = await synergy(['keys', 'rotate']);
    expect(action.status).toBe(2);
    expect(action.stderr).toMatch(/unknown keys action "rotate"/);
  }, 60_000);
});
