/**
 * The stack's configuration as `serverless print --format json` resolves it: the one source of truth for
 * the local runtime, so the local stack can never drift from what deploys. Printing takes seconds (osls
 * loads its plugins), so the result is cached under a hash of the files it is made from.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ServerlessPrintError } from './errors.ts';

export interface PrintOptions {
  /** The project root (holds serverless.yml). */
  readonly root: string;
  /** Default `local`. */
  readonly stage?: string;
  /** Passed as --region when given; otherwise serverless.yml decides. */
  readonly region?: string;
  /** Default `<root>/.synergy/cache`. */
  readonly cacheDir?: string;
  /** Default: node_modules/.bin/serverless of the root or the nearest directory above it that has one. */
  readonly serverlessBin?: string;
  /** Stage parameters, as `--param name=value` (e.g. a faster retrain schedule for a test or a demo). */
  readonly params?: Readonly<Record<string, string>>;
}

export interface PrintedConfig {
  /** The parsed JSON of `serverless print`. */
  readonly config: unknown;
  readonly fromCache: boolean;
  /** Time taken (printing or reading the cache). */
  readonly ms: number;
}

const CONFIG_FILES = ['serverless.yml', 'serverless.yaml'];
/** Also in the key: these directories hold files serverless.yml includes with ${file(…)}. */
const INCLUDED_DIRECTORIES = ['state-machines'];

export async function printServerlessConfig(options: PrintOptions): Promise<PrintedConfig> {
  const started = performance.now();
  const stage = options.stage ?? 'local';
  const cacheDir = options.cacheDir ?? join(options.root, '.synergy', 'cache');
  const key = await cacheKey(options.root, stage, options.region, options.params);
  const cacheFile = join(cacheDir, `print-${key}.json`);
  const cached = await readCached(cacheFile);
  if (cached !== undefined) return { config: cached, fromCache: true, ms: performance.now() - started };

  const stdout = await runPrint(options, stage);
  const config = parsePrintOutput(stdout);
  await mkdir(cacheDir, { recursive: true });
  // Write-then-rename: a concurrent start never reads half a file.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(config));
  await rename(partial, cacheFile);
  return { config, fromCache: false, ms: performance.now() - started };
}

/**
 * sha256 over the stage, region, every file the printed config depends on (name + bytes) and the value
 * of every environment variable those files read with ${env:…}.
 */
export async function cacheKey(
  root: string,
  stage: string,
  region: string | undefined,
  params: Readonly<Record<string, string>> = {},
): Promise<string> {
  const sortedParams = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256').update(
    JSON.stringify({ stage, region: region ?? null, params: sortedParams }),
  );
  const files = [...CONFIG_FILES, 'package.json'];
  for (const directory of INCLUDED_DIRECTORIES) {
    const names = await readdir(join(root, directory)).catch(() => []);
    files.push(...names.sort().map((name) => join(directory, name)));
  }
  const variables = new Set<string>();
  for (const file of files) {
    const bytes = await readFile(join(root, file)).catch(() => undefined);
    if (bytes === undefined) continue;
    hash.update(`\0${file}\0`).update(bytes);
    for (const match of bytes.toString('utf8').matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g))
      variables.add(match[1]);
  }
  for (const name of [...variables].sort()) hash.update(`\0env:${name}=${process.env[name] ?? '<unset>'}`);
  return hash.digest('hex');
}

async function readCached(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a damaged cache entry is only a miss
  }
}

function runPrint(options: PrintOptions, stage: string): Promise<string> {
  const bin = options.serverlessBin ?? findServerlessBin(options.root);
  const args = ['print', '--format', 'json', '--stage', stage];
  if (options.region) args.push('--region', options.region);
  for (const [name, value] of Object.entries(options.params ?? {})) args.push('--param', `${name}=${value}`);
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      {
        cwd: options.root,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        // osls writes its error to stdout and the environment summary to stderr: show both.
        const output = [stdout.trim(), stderr.trim()].filter(Boolean).join('\n');
        reject(
          new ServerlessPrintError(
            `serverless print failed in ${options.root}:\n${output || error.message}`,
            {
              root: options.root,
              stage,
            },
            { cause: error },
          ),
        );
      },
    );
  });
}

function findServerlessBin(root: string): string {
  for (let directory = resolve(root); ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', '.bin', 'serverless');
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) {
      throw new ServerlessPrintError(
        `no node_modules/.bin/serverless in ${root} or above it (npm install?)`,
        { root },
      );
    }
  }
}

/** The JSON document of print's stdout (a plugin may log a line before it). */
export function parsePrintOutput(stdout: string): unknown {
  const start = stdout.search(/^\{/m);
  if (start >= 0) {
    try {
      return JSON.parse(stdout.slice(start));
    } catch (error) {
      throw new ServerlessPrintError(
        `serverless print did not output JSON:\n${stdout.slice(0, 2000)}`,
        {},
        { cause: error },
      );
    }
  }
  throw new ServerlessPrintError(`serverless print did not output JSON:\n${stdout.slice(0, 2000)}`);
}
