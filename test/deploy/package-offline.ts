/**
 * Runs `serverless package` the way CI and a laptop without AWS access would: no credentials (config and
 * credential files pointed at nothing, metadata lookups off) and npm forced offline, so a step that needed
 * AWS or the registry would fail here rather than pass on a connected machine.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
];

export function offlineEnv(scratchDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CREDENTIAL_VARIABLES) delete env[name];
  return {
    ...env,
    AWS_CONFIG_FILE: join(scratchDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratchDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    npm_config_offline: 'true',
  };
}

/** Packages the service at `root` for `stage` into `outDir`; rejects with serverless's own output. */
export async function packageOffline(root: string, stage: string, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const cli = join(root, 'node_modules', 'serverless', 'bin', 'serverless.js');
  try {
    await run(process.execPath, [cli, 'package', '--stage', stage, '--package', outDir], {
      cwd: root,
      env: offlineEnv(outDir),
      maxBuffer: 16 * 1024 * 1024,
      // serverless-esbuild can leave its build service running after a failed build: never wait forever.
      timeout: 240_000,
      killSignal: 'SIGKILL',
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}
