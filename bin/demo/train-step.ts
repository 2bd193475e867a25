/**
 * Step 2: generate the construction-schedule data, upload the run config and the CSV (the upload's S3
 * notification starts the run), follow the serverless run, print its leaderboard and save its report.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  generateScheduleAdherenceCsv,
  SCHEDULE_ADHERENCE_HEADER,
} from '../../layers/core/demo/schedule-adherence.ts';
import { runConfigKey } from '../../layers/core/pipeline/keys.ts';
import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import { formatRunResult, type RunEvaluation } from '../format/run-result.ts';
import { waitForUploadRun } from '../stack/follow-run.ts';
import type { DemoContext } from './context.ts';
import { DEMO_MODEL, DEMO_TARGET } from './demo-settings.ts';
import { DemoRunFailedError } from './errors.ts';
import { readEvaluation, saveReport } from './run-outcome.ts';
import { followVisibly } from './run-progress.ts';

export interface RunConfigFile {
  readonly path: string;
  readonly text: string;
}

export interface TrainedRun {
  readonly run: RunRecord;
  readonly evaluation: RunEvaluation | undefined;
  /** Absolute path of the saved report. */
  readonly report: string;
  readonly csvPath: string;
}

export async function trainStep(
  context: DemoContext,
  data: {
    readonly rows: number;
    readonly seed: number;
    readonly dir: string;
    /** A `_config.json` to upload first (default: none, the pipeline's defaults). */
    readonly config: RunConfigFile | undefined;
  },
): Promise<TrainedRun> {
  const { demo, narrator } = context;
  const file = `schedule-adherence-${data.rows}-${data.seed}.csv`;
  const csvPath = join(data.dir, file);
  const csv = generateScheduleAdherenceCsv({ rows: data.rows, seed: data.seed });
  await writeFile(csvPath, csv);
  const features = SCHEDULE_ADHERENCE_HEADER.filter((column) => column !== DEMO_TARGET);
  narrator.say(
    `Generated ${data.rows.toLocaleString('en-US')} construction activities (seed ${data.seed}) → ${csvPath}`,
  );
  narrator.say(`  ${features.length} features (${features.join(', ')}); label ${DEMO_TARGET}: yes/no`);

  if (data.config === undefined) {
    narrator.say("No _config.json: the defaults, the paper's grid search (9 models, 5-fold CV)");
  } else {
    const configRef = { bucket: demo.bucket, key: runConfigKey(DEMO_MODEL) };
    await demo.artifacts.write(configRef, data.config.text, { contentType: 'application/json' });
    narrator.say(`${data.config.path} → s3://${configRef.bucket}/${configRef.key} (the run config)`);
  }

  const key = `incoming/${DEMO_MODEL}/${file}`;
  const put = await demo.stack.clients.s3.send(
    new PutObjectCommand({
      Bucket: demo.bucket,
      Key: key,
      Body: csv,
      ContentType: 'text/csv',
      Metadata: { target: DEMO_TARGET },
    }),
  );
  if (put.ETag === undefined) throw new Error(`S3 returned no ETag for s3://${demo.bucket}/${key}`);
  narrator.say(`Uploaded → s3://${demo.bucket}/${key}; its S3 notification invokes startRun`);
  const started = await waitForUploadRun(demo.experiments, { modelName: DEMO_MODEL, key, etag: put.ETag });
  narrator.say(
    `Run ${started.runId}: the state machine runs prep → plan → CV cells in a Distributed Map on Lambda sandboxes → select → refits → evaluate → register → promotion gate`,
  );
  const run = await followVisibly(context, started.runId);
  if (run.cellsTotal !== undefined) narrator.say(`${run.cellsTotal} CV cells trained`);
  const evaluation = run.status === 'SUCCEEDED' ? await readEvaluation(demo.artifacts, run) : undefined;
  narrator.say();
  const audit = await demo.registry.listAudit(DEMO_MODEL);
  for (const line of formatRunResult(run, evaluation, audit).trimEnd().split('\n')) narrator.say(line);
  if (run.status !== 'SUCCEEDED') throw new DemoRunFailedError(run);
  const report = await saveReport(demo, run.runId, context.reportsDir);
  narrator.say();
  narrator.say(`Report: ${report}`);
  return { run, evaluation, report, csvPath };
}
