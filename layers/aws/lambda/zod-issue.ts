import type { z } from 'zod/mini';

/** `request.trigger.kind`, `cell.params`, or `(root)`: where a zod issue is, as a reader would write it. */
export function issuePath(issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0) return '(root)';
  return issue.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
    .join('.')
    .replaceAll('.[', '[');
}

/** One line per issue, for the error's context (the message carries the first only). Classic or mini. */
export function describeIssues(
  error: z.core.$ZodError,
): { readonly path: string; readonly message: string }[] {
  return error.issues.map((issue) => ({ path: issuePath(issue), message: issue.message }));
}
