/** Where a run's report lives in the data bucket (next to, not under, runs/: reports are for people). */
export function reportKey(runId: string): string {
  return `reports/${runId}/index.html`;
}
