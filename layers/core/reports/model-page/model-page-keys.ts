/**
 * Where a model's page lives in the data bucket: next to the run reports (reports/<runId>/index.html), so
 * the page's relative links to them (../../<runId>/index.html) work in S3 and in a local copy alike.
 */
export function modelPageKey(modelName: string): string {
  return `reports/models/${modelName}/index.html`;
}
