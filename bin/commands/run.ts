import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { Upload } from '@aws-sdk/lib-storage';
import { refOfUri, runConfigKey } from '../../layers/core/pipeline/keys.ts';
import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import { InputFileError, UsageError } from '../errors.ts';
import type { RunEvaluation } from '../format/run-result.ts';
import { formatRunResult, runEvaluationSchema, toRunJson } from '../format/run-result.ts';
import { followRun, type RunProgress, waitForUploadRun } from '../stack/follow-run.ts';
import { readRunConfigFile } from '../stack/run-config-file.ts';
import { openStack, type StackSession } from '../stack/session.ts';

/** A dataset name must make a valid S3 prefix and model name: letters, digits, `-` and `_`. */
const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Error names of a run that failed on the user's input (data, config): exit 2, as `synergy train`. */
const INPUT_ERRORS = new Set(['DataError', 'ParamsError', 'RunConfigError', 'CellTooLargeError']);

export async function runRun(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      dataset: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('run needs exactly one CSV file: synergy run <csv>');
  const csvPath = positionals[0];
  await access(csvPath).catch((cause: unknown) => {
    throw new InputFileError(csvPath, `cannot read ${csvPath}: no such file or not readable`, { cause });
  });
  const dataset = values.dataset ?? basename(csvPath, extname(csvPath)).replace(/[^A-Za-z0-9_-]/g, '-');
  if (!DATASET_NAME.test(dataset)) {
    throw new UsageError(
      `--dataset "${dataset}" must be 1-64 letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
  const say = (line: string) => {
    if (!values.json) process.stderr.write(`${line}\n`);
  };
  const config = values.config ? await readRunConfigFile(values.config) : undefined;
  const session = await openStack({ root, log: say });
  try {
    if (config !== undefined) {
      await session.artifacts.write({ bucket: session.bucket, key: runConfigKey(dataset) }, config, {
        contentType: 'application/json',
      });
      say(`Config ${values.config} → s3://${session.bucket}/${runConfigKey(dataset)}`);
    }
    const run = await uploadAndFollow(session, { csvPath, dataset, target: values.target }, say);
    const evaluation = run.status === 'SUCCEEDED' ? await readEvaluation(session, run) : undefined;
    if (values.json) {
      process.stdout.write(`${JSON.stringify(toRunJson(run, evaluation))}\n`);
    } else {
      const audit = await session.registry.listAudit(run.modelName);
      process.stdout.write(formatRunResult(run, evaluation, audit));
    }
    if (run.status === 'FAILED') return INPUT_ERRORS.has(run.error?.name ?? '') ? 2 : 1;
    return 0;
  } finally {
    await session.close();
  }
}

async function uploadAndFollow(
  session: StackSession,
  input: { csvPath: string; dataset: string; target: string | undefined },
  say: (line: string) => void,
): Promise<RunRecord> {
  const key = `incoming/${input.dataset}/${basename(input.csvPath)}`;
  const upload = new Upload({
    client: session.s3,
    params: {
      Bucket: session.bucket,
      Key: key,
      Body: createReadStream(input.csvPath),
      ContentType: 'text/csv',
      ...(input.target ? { Metadata: { target: input.target } } : {}),
    },
  });
  const put = await upload.done();
  if (!put.ETag) throw new Error(`S3 returned no ETag for s3://${session.bucket}/${key}`);
  say(`Uploaded ${input.csvPath} → s3://${session.bucket}/${key}`);
  const started = await waitForUploadRun(session.experiments, {
    modelName: input.dataset,
    key,
    etag: put.ETag,
  });
  if (started.status === 'SUCCEEDED' || started.status === 'FAILED') {
    say(
      `This exact object was already processed by run ${started.runId} (S3 events are deduplicated by object version).`,
    );
  } else {
    say(`Run ${started.runId} started`);
  }
  return followRun(session.experiments, started.runId, (progress) => say(describeProgress(progress)));
}

function describeProgress({ run, cellsDone }: RunProgress): string {
  const cells = run.cellsTotal === undefined ? '' : `  cells ${cellsDone}/${run.cellsTotal}`;
  return `  ${run.status.padEnd(9)} ${run.stage ?? ''}${cells}`;
}

async function readEvaluation(session: StackSession, run: RunRecord): Promise<RunEvaluation | undefined> {
  const uri = run.result?.evaluationUri;
  if (!uri) return undefined;
  const json = await session.artifacts.readJson(refOfUri(uri));
  return runEvaluationSchema.parse(json);
}
