/**
 * The model the serving benchmarks call: a RandomForest-100 trained on 2,000 generated schedule-adherence
 * rows, registered as champion of `bench-rf` on a local stack, and one row as a client sends it.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createDocumentClient } from '../layers/aws/document-client.ts';
import { DynamoApiKeys } from '../layers/aws/dynamo-api-keys.ts';
import { DynamoRegistry } from '../layers/aws/dynamo-registry.ts';
import { createApiKey } from '../layers/core/auth/create-api-key.ts';
import { generateScheduleAdherenceCsv } from '../layers/core/demo/schedule-adherence.ts';
import { modelVersionKey, s3Uri } from '../layers/core/pipeline/keys.ts';
import { buildModelDocument, sha256Hex, signatureOf } from '../layers/core/pipeline/model-document.ts';
import { prepareCsv } from '../layers/ml/data/prepare.ts';
import { createModel } from '../layers/ml/models/registry.ts';
import { tableName } from '../local/config/stack-config.ts';
import type { LocalStack } from '../local/stack.ts';

export const MODEL = 'bench-rf';
const TRAIN_ROWS = 2000;

/** One request row: the CSV's cells, numbers as numbers, without the target. */
export type ServedRow = Record<string, number | string | null>;

/** Trains, uploads and registers the model as champion; returns one row to send. */
export async function registerModel(stack: LocalStack): Promise<ServedRow> {
  const csv = generateScheduleAdherenceCsv({ rows: TRAIN_ROWS, seed: 7 });
  const prepared = await prepareCsv(csv, { target: 'on_time', seed: 7 });
  const params = { n_estimators: 100 };
  const model = createModel('RandomForest', params, 7);
  model.fit(prepared.train);
  const preprocessor = prepared.preprocessor.toJSON();
  const bytes = buildModelDocument({
    algorithm: 'RandomForest',
    params,
    preprocessor,
    model: model.toJSON(),
    metrics: { testAccuracy: 0, cvAccuracy: 0, cvStd: 0 },
    runId: 'bench-serve',
  });
  model.dispose();
  const doc = createDocumentClient(stack.clients.dynamodb);
  const registry = new DynamoRegistry(doc, tableName(stack.config, 'RegistryTable'));
  const latest = (await registry.getAlias(MODEL, 'champion'))?.version ?? 0;
  const ref = { bucket: stack.endpoints.bucket, key: modelVersionKey(MODEL, latest + 1) };
  await stack.clients.s3.send(new PutObjectCommand({ Bucket: ref.bucket, Key: ref.key, Body: bytes }));
  const version = await registry.createVersion({
    modelName: MODEL,
    algorithm: 'RandomForest',
    params,
    artifact: { uri: s3Uri(ref), sha256: sha256Hex(bytes), size: bytes.length },
    signature: signatureOf(preprocessor),
    metrics: { testAccuracy: 0, cvAccuracy: 0, cvStd: 0 },
    lineage: {
      runId: 'bench-serve',
      trigger: 'manual',
      dataset: { uri: 'generated:schedule-adherence', digest: sha256Hex(new TextEncoder().encode(csv)) },
      codeVersion: 'bench',
    },
  });
  const current = await registry.getAlias(MODEL, 'champion');
  await registry.moveAlias({
    modelName: MODEL,
    alias: 'champion',
    version: version.version,
    expectedRevision: current?.revision,
    reason: 'bench/serve.ts',
    actor: 'bench',
  });
  // One row as a client sends it: the CSV's cells, numbers as numbers, without the target.
  const [header, line] = csv.split('\n');
  const cells = line.split(',');
  const row: ServedRow = {};
  header.split(',').forEach((name, i) => {
    if (name === 'on_time') return;
    const number = Number(cells[i]);
    row[name] = cells[i] === '' ? null : Number.isFinite(number) ? number : cells[i];
  });
  return row;
}

/** An API key for the stack's HTTP API (the authorizer checks it against the api-keys table). */
export async function createBenchKey(stack: LocalStack, actor: string): Promise<string> {
  const apiKeys = new DynamoApiKeys(
    createDocumentClient(stack.clients.dynamodb),
    tableName(stack.config, 'ApiKeysTable'),
  );
  const { key } = await createApiKey({ apiKeys, clock: { now: () => new Date() } }, { name: 'bench', actor });
  return key;
}
