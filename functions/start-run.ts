/**
 * startRun: S3 ObjectCreated on incoming/…csv → one training execution per upload. S3 delivers at least
 * once; startRunFromUpload is idempotent per object version, so a redelivered event starts nothing new.
 * Records are handled in order and the first failure fails the invocation: S3's async retry then
 * redelivers the whole event, and the records already started are no-ops the second time.
 */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logger } from '../layers/aws/lambda/observability.ts';
import { routeS3Records, s3EventSchema } from '../layers/aws/lambda/s3-event.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { type StartRunResult, startRunFromUpload } from '../layers/core/pipeline/start-run.ts';

const env = parseEnv(['RUNS_TABLE', 'TRAINING_STATE_MACHINE_ARN']);

export type StartRunOutcome =
  | (StartRunResult & { readonly key: string })
  | { readonly key: string; readonly skipped: string };

export const handler = lambdaHandler({
  functionKey: 'startRun',
  event: s3EventSchema,
  handle: async (event): Promise<{ readonly records: StartRunOutcome[] }> => {
    const records: StartRunOutcome[] = [];
    for (const route of routeS3Records(event)) {
      if (route.kind === 'skip') {
        logger.info('upload skipped', { bucket: route.bucket, key: route.key, reason: route.reason });
        records.push({ key: route.key, skipped: route.reason });
        continue;
      }
      const result = await startRunFromUpload(pipelineDeps(env), route.upload);
      logger.info('run started', { key: route.upload.key, ...result });
      records.push({ key: route.upload.key, ...result });
    }
    return { records };
  },
});
