/**
 * Writes a run's report to `reports/<runId>/index.html` in the data bucket: read what the run recorded,
 * assemble, render, write. Idempotent (the same run renders to the same place; a later call, e.g. after
 * a retried Finish, overwrites it with what is recorded then).
 */
import type { ObjectRef } from '../ports.ts';
import type { ReportReadDeps } from './read-report-inputs.ts';
import { readRunReportInputs } from './read-report-inputs.ts';
import { renderRunReport } from './render-run-report.ts';
import { reportKey } from './report-keys.ts';
import { buildRunReportData } from './run-report-data.ts';

export type WriteReportDeps = ReportReadDeps;

/** The report's HTML, rendered from the stack (what the CLI writes locally). */
export async function renderRunReportFor(
  deps: ReportReadDeps,
  runId: string,
  signal?: AbortSignal,
): Promise<string> {
  return renderRunReport(buildRunReportData(await readRunReportInputs(deps, runId, signal)));
}

export async function writeRunReport(
  deps: WriteReportDeps,
  runId: string,
  signal?: AbortSignal,
): Promise<ObjectRef> {
  const html = await renderRunReportFor(deps, runId, signal);
  const ref: ObjectRef = { bucket: deps.bucket, key: reportKey(runId) };
  await deps.artifacts.write(ref, html, { contentType: 'text/html; charset=utf-8' });
  return ref;
}
