/**
 * What a finished run produced, as the demo shows it: the leaderboard (evaluation.json), the promotion
 * gate's decision and reason (the execution's output: Register's `registration.gate`, Promote's
 * `promotion`), and the run's report saved locally.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { refOfUri } from '../../layers/core/pipeline/keys.ts';
import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import type { ArtifactStore } from '../../layers/core/ports.ts';
import { functionMemoryFromStack } from '../../layers/core/reports/function-memory.ts';
import { reportKey } from '../../layers/core/reports/report-keys.ts';
import { renderRunReportFor } from '../../layers/core/reports/write-run-report.ts';
import { type RunEvaluation, runEvaluationSchema } from '../format/run-result.ts';
import type { DemoStack } from './demo-stack.ts';
import { waitFor } from './wait.ts';

/** From the run's creation (the upload or the alarm) to its end. */
export function runSeconds(run: RunRecord): number {
  return (Date.parse(run.finishedAt ?? run.updatedAt) - Date.parse(run.createdAt)) / 1000;
}

export async function readEvaluation(
  artifacts: ArtifactStore,
  run: RunRecord,
): Promise<RunEvaluation | undefined> {
  const uri = run.result?.evaluationUri;
  if (uri === undefined) return undefined;
  return runEvaluationSchema.parse(await artifacts.readJson(refOfUri(uri)));
}

export interface GateOutcome {
  readonly promoted: boolean;
  /** The gate's reason (e.g. "v2 (holdout accuracy 87.25%) does not beat champion v1 (87.25%)"). */
  readonly reason: string;
}

const executionOutputSchema = z.object({
  registration: z.object({ promote: z.boolean(), gate: z.object({ reason: z.string() }) }),
  promotion: z.object({ promoted: z.boolean(), reason: z.string() }).optional(),
});

/**
 * The gate's decision as the run's execution recorded it; undefined when the execution has none (it
 * failed before the gate). Finish marks the run SUCCEEDED just before the execution ends: this waits for
 * the end.
 */
export async function gateOutcome(sfn: SFNClient, run: RunRecord): Promise<GateOutcome | undefined> {
  const executionArn = run.executionArn;
  if (executionArn === undefined) return undefined;
  const execution = await waitFor(
    `execution ${executionArn} to end`,
    async () => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    },
    { timeoutMs: 30_000 },
  );
  if (execution.output === undefined) return undefined;
  const parsed = executionOutputSchema.safeParse(JSON.parse(execution.output));
  if (!parsed.success) return undefined;
  const { registration, promotion } = parsed.data;
  return promotion === undefined
    ? { promoted: false, reason: registration.gate.reason }
    : { promoted: promotion.promoted, reason: promotion.reason };
}

/**
 * Saves the run's report as `<dir>/<runId>/index.html` and returns its absolute path: the page Finish
 * wrote to `reports/<runId>/index.html`, or, if Finish could not write it, rendered here (as
 * `synergy report` does).
 */
export async function saveReport(demo: DemoStack, runId: string, dir: string): Promise<string> {
  const ref = { bucket: demo.bucket, key: reportKey(runId) };
  const html =
    (await demo.artifacts.head(ref)) === undefined
      ? await renderRunReportFor(
          {
            artifacts: demo.artifacts,
            experiments: demo.experiments,
            registry: demo.registry,
            clock: { now: () => new Date() },
            bucket: demo.bucket,
            memoryMb: functionMemoryFromStack(demo.stack.config.functions),
          },
          runId,
        )
      : await demo.artifacts.readBytes(ref);
  const runDir = resolve(dir, runId);
  await mkdir(runDir, { recursive: true });
  const path = join(runDir, 'index.html');
  await writeFile(path, html);
  return path;
}
