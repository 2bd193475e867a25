/**
 * Serving end to end on the embedded stack: models trained by the real pipeline, served by the real
 * predict function behind the local HTTP API with the real authorizer, over the three protocols; canary
 * and shadow routing, capture to S3, batch transform of a 100k-row CSV, tampering, and a 10,000-request
 * fuzz over HTTP — plus `synergy predict` against the same stack.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runPredict } from '../../bin/commands/predict.ts';
import { createDocumentClient } from '../../layers/aws/document-client.ts';
import { DynamoApiKeys } from '../../layers/aws/dynamo-api-keys.ts';
import { createApiKey } from '../../layers/core/auth/create-api-key.ts';
import { revokeApiKey } from '../../layers/core/auth/revoke-api-key.ts';
import { generateScheduleAdherenceCsv } from '../../layers/core/demo/schedule-adherence.ts';
import { refOfUri } from '../../layers/core/pipeline/keys.ts';
import type { AliasName } from '../../layers/core/pipeline/records.ts';
import { tableName } from '../../local/config/stack-config.ts';
import { ALIASES, Generator, INPUTS, NAMES, ROUTES, VERSIONS } from '../core/serving/fuzz-generator.ts';
import { sampleRows } from '../core/serving/serving-fixture.ts';
import { type Harness, ROOT, SMALL_CONFIG, startHarness } from './stack-harness.ts';

const MODEL = 'serve';
/** SERVING_ALIAS_TTL_SECONDS in serverless.yml: how long a warm container reuses aliases and routing. */
const ALIAS_TTL_MS = 5_000;
const clock = { now: () => new Date() };

let h: Harness;
let base: string;
let apiKeys: DynamoApiKeys;
let key: string;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

async function send(
  method: string,
  path: string,
  options: { body?: string; contentType?: string; auth?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? key : options.auth;
  if (auth !== null) headers.authorization = `Bearer ${auth}`;
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  const response = await fetch(`${base}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, headers: response.headers, json };
}

const post = (path: string, body: unknown, contentType = 'application/json') =>
  send('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), contentType });

async function moveAlias(alias: AliasName, version: number): Promise<void> {
  const current = await h.registry.getAlias(MODEL, alias);
  if (current?.version === version) return;
  await h.registry.moveAlias({
    modelName: MODEL,
    alias,
    version,
    expectedRevision: current?.revision,
    reason: 'e2e: fixed aliases',
    actor: 'test',
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  h = await startHarness();
  const http = h.stack.endpoints.http;
  if (http === null) throw new Error('the stack serves no HTTP API');
  base = http;
  await h.upload(`incoming/${MODEL}/_config.json`, JSON.stringify(SMALL_CONFIG));
  const first = await h.runUpload(MODEL, 'a.csv', generateScheduleAdherenceCsv({ rows: 300, seed: 1 }), {
    target: 'on_time',
  });
  const second = await h.runUpload(MODEL, 'b.csv', generateScheduleAdherenceCsv({ rows: 300, seed: 2 }));
  expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  // Whatever the promotion gate decided: champion 1, challenger 2, before any request caches an alias.
  await moveAlias('champion', 1);
  await moveAlias('challenger', 2);
  apiKeys = new DynamoApiKeys(
    createDocumentClient(h.stack.clients.dynamodb),
    tableName(h.stack.config, 'ApiKeysTable'),
  );
  key = (await createApiKey({ apiKeys, clock }, { name: 'e2e', actor: 'test' })).key;
}, 300_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

describe('integrity', () => {
  it('refuses a version whose artifact was changed after registration, and serves it once restored', async () => {
    const record = await h.registry.getVersion(MODEL, 1);
    if (record === undefined) throw new Error('no version 1');
    const ref = refOfUri(record.artifact.uri);
    const original = await h.artifacts.readBytes(ref);
    const tampered = original.slice();
    const at = tampered.lastIndexOf(0x31); // a "1" digit somewhere in the model's numbers
    tampered[at] = 0x32;
    await h.artifacts.write(ref, tampered);

    const refused = await post(`/models/${MODEL}/versions/1/predict`, { rows: sampleRows(1) });
    expect(refused.status).toBe(503);
    expect(JSON.stringify(refused.json)).toMatch(/sha256/);

    await h.artifacts.write(ref, original);
    const served = await post(`/models/${MODEL}/versions/1/predict`, { rows: sampleRows(1) });
    expect(served.status).toBe(200);
    expect(served.json.version).toBe(1);
  }, 60_000);
});

describe('the three protocols', () => {
  const rows = sampleRows(6, 10);

  it('native: rows or instances → labels and probabilities from the champion', async () => {
    const answer = await post(`/models/${MODEL}/predict`, { rows });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ model: MODEL, version: 1, alias: 'champion' });
    const predictions = answer.json.predictions as unknown[];
    const probabilities = answer.json.probabilities as Record<string, number>[];
    expect(predictions).toHaveLength(rows.length);
    for (const [i, byClass] of probabilities.entries()) {
      const values = Object.values(byClass);
      expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(Object.keys(byClass)).toContain(String(predictions[i]));
    }
    const positional = await post(`/models/${MODEL}/predict`, {
      instances: rows.map((row) => INPUTS.map((name) => row[name])),
    });
    expect(positional.json.predictions).toEqual(predictions);
  }, 60_000);

  it('MLflow: every documented input format and text/csv give the same predictions; others are 415', async () => {
    const native = (await post(`/models/${MODEL}/predict`, { rows })).json.predictions;
    const bodies: [unknown, string][] = [
      [{ dataframe_records: rows }, 'application/json'],
      [
        { dataframe_split: { columns: INPUTS, data: rows.map((row) => INPUTS.map((n) => row[n])) } },
        'application/json',
      ],
      [{ instances: rows }, 'application/json'],
      [{ inputs: Object.fromEntries(INPUTS.map((n) => [n, rows.map((row) => row[n])])) }, 'application/json'],
      [
        [INPUTS.join(','), ...rows.map((row) => INPUTS.map((n) => row[n] ?? '').join(','))].join('\n'),
        'text/csv',
      ],
    ];
    for (const [body, contentType] of bodies) {
      const answer = await post(`/models/${MODEL}/invocations`, body, contentType);
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      expect(answer.json.predictions).toEqual(native);
    }
    const unsupported = await post(
      `/models/${MODEL}/invocations`,
      'a=1',
      'application/x-www-form-urlencoded',
    );
    expect(unsupported.status).toBe(415);
    expect(unsupported.json).toMatchObject({ error_code: expect.any(String) });
  }, 60_000);

  it('Open Inference Protocol V2: health, metadata, readiness and inference', async () => {
    expect((await send('GET', '/v2/health/live', { auth: null })).status).toBe(200);
    expect((await send('GET', '/v2/health/ready', { auth: null })).status).toBe(200);
    const metadata = await send('GET', `/v2/models/${MODEL}`);
    expect(metadata.status).toBe(200);
    expect(metadata.json).toMatchObject({ name: MODEL });
    expect(metadata.json.versions).toEqual(expect.arrayContaining(['1', '2']));
    const inputs = metadata.json.inputs as { name: string; datatype: string }[];
    expect(inputs.map((input) => input.name).sort()).toEqual([...INPUTS].sort());
    expect((await send('GET', `/v2/models/${MODEL}/ready`)).json).toMatchObject({ ready: true });

    const native = (await post(`/models/${MODEL}/predict`, { rows })).json.predictions;
    const complete = rows.filter((row) => INPUTS.every((n) => row[n] !== null));
    const tensors = inputs.map((input) => ({
      name: input.name,
      shape: [complete.length],
      datatype: input.datatype,
      data: complete.map((row) => row[input.name]),
    }));
    const answer = await post(`/v2/models/${MODEL}/infer`, { id: 'e2e-1', inputs: tensors });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(answer.json).toMatchObject({ model_name: MODEL, model_version: '1', id: 'e2e-1' });
    const outputs = answer.json.outputs as { name: string; shape: number[]; data: unknown[] }[];
    const predict = outputs.find((output) => output.name === 'predict');
    const expected = rows.flatMap((row, i) => (complete.includes(row) ? [(native as unknown[])[i]] : []));
    expect(predict?.data).toEqual(expected);
    expect(outputs.find((output) => output.name === 'predict_proba')?.shape).toEqual([complete.length, 2]);
    const pinned = await post(`/v2/models/${MODEL}/versions/2/infer`, { inputs: tensors });
    expect(pinned.json.model_version).toBe('2');
  }, 60_000);

  it('chooses the version from the path, then ?alias=, and names what it served', async () => {
    const byVersion = await post(`/models/${MODEL}/versions/2/predict`, { rows });
    expect(byVersion.json).toMatchObject({ version: 2, alias: null });
    const byAlias = await post(`/models/${MODEL}/predict?alias=challenger`, { rows });
    expect(byAlias.json).toMatchObject({ version: 2, alias: 'challenger' });
    expect(byAlias.headers.get('x-synergy-version')).toBe('2');
    expect((await post(`/models/${MODEL}/versions/9/predict`, { rows })).status).toBe(404);
    expect((await post('/models/no-such-model/predict', { rows })).status).toBe(404);
    const invalid = await post(`/models/${MODEL}/predict`, { rows: [{ ...rows[0], crew_size: 'many' }] });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.json)).toContain('crew_size');
  }, 60_000);
});

describe('auth', () => {
  it('401 without a key, 403 with a wrong or revoked one; health checks stay open', async () => {
    const rows = sampleRows(1);
    for (const [method, path] of [
      ['POST', `/models/${MODEL}/predict`],
      ['POST', `/models/${MODEL}/invocations`],
      ['GET', `/v2/models/${MODEL}`],
      ['POST', `/v2/models/${MODEL}/infer`],
    ]) {
      const answer = await send(method, path, {
        auth: null,
        body: method === 'POST' ? JSON.stringify({ rows }) : undefined,
      });
      expect(answer.status, path).toBe(401);
    }
    const forged = `syn_${'0'.repeat(12)}_${'A'.repeat(43)}`;
    expect((await send('GET', `/v2/models/${MODEL}`, { auth: forged })).status).toBe(403);
    const created = await createApiKey({ apiKeys, clock }, { name: 'to-revoke', actor: 'test' });
    await revokeApiKey({ apiKeys, clock }, created.record.keyId);
    expect((await send('GET', `/v2/models/${MODEL}`, { auth: created.key })).status).toBe(403);
    expect((await send('GET', '/v2/health/live', { auth: null })).status).toBe(200);
  }, 60_000);
});

describe('routing', () => {
  it('splits routed traffic by the canary weights, and a shadow scores without answering', async () => {
    const rows = sampleRows(1, 3);
    await h.registry.putRouting({
      modelName: MODEL,
      weights: { champion: 50, challenger: 50 },
      updatedAt: new Date().toISOString(),
      actor: 'test',
    });
    await sleep(ALIAS_TTL_MS + 500);
    const versions = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const answer = await post(`/models/${MODEL}/predict`, { rows });
      const version = String(answer.json.version);
      versions.set(version, (versions.get(version) ?? 0) + 1);
    }
    // Binomial(300, 0.5): below 90 or above 210 has probability < 1e-11.
    expect(versions.get('1')).toBeGreaterThan(90);
    expect(versions.get('2')).toBeGreaterThan(90);

    await h.registry.putRouting({
      modelName: MODEL,
      weights: { champion: 100 },
      shadow: 'challenger',
      updatedAt: new Date().toISOString(),
      actor: 'test',
    });
    await sleep(ALIAS_TTL_MS + 500);
    for (let i = 0; i < 20; i++) {
      const answer = await post(`/models/${MODEL}/predict`, { rows });
      expect(answer.json.version).toBe(1);
    }
    const shadowLines = await waitFor(
      'shadow log lines',
      async () => {
        const { readFile } = await import('node:fs/promises');
        const text = await readFile(h.stack.logFile('predict'), 'utf8').catch(() => '');
        const lines = text.split('\n').filter((line) => line.includes('"message":"shadow"'));
        return lines.length >= 20 ? lines : undefined;
      },
      20_000,
    );
    expect(shadowLines[0]).toContain('"shadowVersion":2');
    await h.registry.putRouting({
      modelName: MODEL,
      weights: { champion: 100 },
      updatedAt: new Date().toISOString(),
      actor: 'test',
    });
  }, 120_000);
});

describe('capture', () => {
  it('writes sampled rows with their predictions and request ids to S3 in batches', async () => {
    const rows = sampleRows(100, 50);
    for (let i = 0; i < 200; i++) {
      const answer = await post(`/models/${MODEL}/predict?alias=champion`, { rows });
      expect(answer.status).toBe(200);
    }
    const objects = await waitFor(
      'capture objects',
      async () => {
        const found = [];
        for await (const object of h.artifacts.list(h.bucket, `capture/${MODEL}/`)) found.push(object);
        return found.length > 0 ? found : undefined;
      },
      20_000,
    );
    expect(objects[0].ref.key).toMatch(
      new RegExp(`^capture/${MODEL}/\\d{4}/\\d{2}/\\d{2}/\\d{6}-[\\w-]+\\.jsonl$`),
    );
    const lines = new TextDecoder()
      .decode(await h.artifacts.readBytes(objects[0].ref))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(100);
    for (const line of lines.slice(0, 50)) {
      // Earlier tests' traffic (pinned versions, the canary) is captured too.
      expect(line).toMatchObject({ model: MODEL, requestId: expect.any(String) });
      expect([1, 2]).toContain(line.version);
      expect(line.prediction).toBeDefined();
      for (const column of Object.keys(line.input as object)) expect(INPUTS).toContain(column);
    }
  }, 120_000);
});

/** Waits for batch/<model>/out/<name>.summary.json, written last by the batch transform. */
async function batchSummary(name: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const ref = { bucket: h.bucket, key: `batch/${MODEL}/out/${name}.summary.json` };
  const summary = await waitFor(
    'the batch summary',
    async () => ((await h.artifacts.head(ref)) === undefined ? undefined : h.artifacts.readJson(ref)),
    timeoutMs,
  );
  return summary as Record<string, unknown>;
}

describe('batch transform', () => {
  it('turns a 100k-row CSV under batch/<model>/in/ into a predictions CSV, streaming', async () => {
    const csv = generateScheduleAdherenceCsv({ rows: 100_000, seed: 9 });
    await h.upload(`batch/${MODEL}/in/big.csv`, csv);
    const summary = await batchSummary('big', 240_000);
    expect(summary).toMatchObject({
      status: 'SUCCEEDED',
      rows: 100_000,
      predicted: 100_000,
      failed: 0,
      version: 1,
    });
    const output = new TextDecoder().decode(
      await h.artifacts.readBytes({ bucket: h.bucket, key: `batch/${MODEL}/out/big.csv` }),
    );
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(100_001);
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['row', 'prediction']));
  }, 300_000);

  it('reports each bad row in the errors file and keeps the good ones', async () => {
    const [header, ...rows] = generateScheduleAdherenceCsv({ rows: 5, seed: 4 }).trim().split('\n');
    const columns = header.split(',');
    const crew = columns.indexOf('crew_size');
    const bad = rows[1].split(',');
    bad[crew] = 'many';
    await h.upload(
      `batch/${MODEL}/in/bad.csv`,
      [header, rows[0], bad.join(','), ...rows.slice(2)].join('\n'),
    );
    const summary = await batchSummary('bad', 60_000);
    expect(summary).toMatchObject({ rows: 5, predicted: 4, failed: 1 });
    const errors = new TextDecoder().decode(
      await h.artifacts.readBytes({ bucket: h.bucket, key: `batch/${MODEL}/out/bad.errors.csv` }),
    );
    expect(errors).toMatch(/^row,field,reason\n2,.*crew_size/m);
  }, 120_000);
});

describe('fuzz over HTTP', () => {
  it('answers 10,000 generated requests with no 5xx, and keeps serving', async () => {
    const generator = new Generator(20261126);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < 10_000) {
        const i = next++;
        const routeKey = generator.pick(ROUTES);
        const clean = generator.chance(0.25);
        generator.corruption = clean ? 0 : 0.03;
        const { body, contentType } = clean ? generator.valid(routeKey) : generator.body(routeKey);
        const alias = generator.pick(clean ? ALIASES.slice(0, 4) : ALIASES);
        const name = clean ? MODEL : generator.pick(NAMES).replace('schedule', MODEL);
        const version = generator.pick(clean ? VERSIONS.slice(0, 5) : VERSIONS);
        const [method, template] = routeKey.split(' ');
        const path =
          template
            .replace('{name}', encodeURIComponent(name))
            .replace('{version}', encodeURIComponent(version)) +
          (alias === undefined ? '' : `?alias=${encodeURIComponent(alias)}`);
        const auth = generator.chance(0.05) ? null : generator.chance(0.02) ? 'syn_bad' : key;
        const answer = await send(method, path, {
          ...(method === 'POST' && body !== undefined ? { body } : {}),
          ...(contentType === undefined ? {} : { contentType }),
          auth,
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500 && failures.length < 5) {
          failures.push(
            `case ${i}: ${routeKey} ${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures).toEqual([]);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(1000);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1000);
    expect((await send('GET', '/v2/health/live', { auth: null })).status).toBe(200);
    expect((await post(`/models/${MODEL}/predict`, { rows: sampleRows(1) })).status).toBe(200);
  }, 300_000);
});

describe('synergy predict', () => {
  it('scores a JSON or CSV file through each protocol against the running stack', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'synergy-predict-'));
    const rows = sampleRows(4, 20).filter((row) => INPUTS.every((n) => row[n] !== null));
    const rowsFile = join(dir, 'rows.json');
    await writeFile(rowsFile, JSON.stringify(rows));
    const csvFile = join(dir, 'rows.csv');
    await writeFile(
      csvFile,
      [INPUTS.join(','), ...rows.map((row) => INPUTS.map((n) => row[n]).join(','))].join('\n'),
    );
    vi.stubEnv('SYNERGY_STATE_DIR', h.stateDir);
    const expected = (await post(`/models/${MODEL}/predict`, { rows })).json.predictions;
    try {
      for (const args of [
        ['--rows', rowsFile],
        ['--rows', rowsFile, '--protocol', 'mlflow'],
        ['--rows', rowsFile, '--protocol', 'v2'],
        ['--csv', csvFile, '--protocol', 'mlflow'],
        ['--csv', csvFile, '--protocol', 'v2'],
        ['--csv', csvFile],
      ]) {
        const out: string[] = [];
        const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
          out.push(String(chunk));
          return true;
        });
        const code = await runPredict([MODEL, ...args], ROOT).finally(() => write.mockRestore());
        expect(code, args.join(' ')).toBe(0);
        const table = out.join('');
        expect(table, args.join(' ')).toMatch(/version 1/);
        for (const label of expected as unknown[]) expect(table).toContain(String(label));
      }
      const out: string[] = [];
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out.push(String(chunk));
        return true;
      });
      await runPredict([MODEL, '--rows', rowsFile, '--json', '--version', '2'], ROOT).finally(() =>
        write.mockRestore(),
      );
      expect(JSON.parse(out.join(''))).toMatchObject({ version: 2 });
    } finally {
      vi.unstubAllEnvs();
    }
  }, 120_000);
});
