import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import { followRun, type RunProgress } from '../stack/follow-run.ts';
import type { DemoContext } from './context.ts';

function describeProgress({ run, cellsDone }: RunProgress, startedAt: number): string {
  const cells = run.cellsTotal === undefined ? '' : `  cells ${cellsDone}/${run.cellsTotal}`;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(0);
  return `${run.status.padEnd(9)} ${(run.stage ?? '').padEnd(8)}${cells}  ${seconds} s`;
}

/** Follows a run to its end, its stage and cell count as progress lines. */
export async function followVisibly(context: DemoContext, runId: string): Promise<RunRecord> {
  const startedAt = performance.now();
  return followRun(context.demo.experiments, runId, (progress) =>
    context.narrator.progress(
      describeProgress(progress, startedAt),
      `${runId} ${progress.run.status} ${progress.run.stage ?? ''}`,
    ),
  );
}
