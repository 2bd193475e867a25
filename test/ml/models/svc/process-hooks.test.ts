import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const svcModule = new URL('../../../../layers/ml/models/svc.ts', import.meta.url).href;
const repoRoot = new URL('../../../../', import.meta.url).pathname;

describe('loading SVC leaves the process hooks alone', () => {
  it('an unhandled rejection still reports its error instead of a silent exit (libsvm-js glue installs one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synergy-svc-hooks-'));
    const script = join(dir, 'reject.mts');
    writeFileSync(
      script,
      `await import(${JSON.stringify(svcModule)});\nPromise.reject(new Error('forgotten promise 7f3a'));\n`,
    );
    const res = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('forgotten promise 7f3a');
  });
});
