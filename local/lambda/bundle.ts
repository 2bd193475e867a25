/**
 * Bundles every function's handler the way serverless-esbuild does at deploy time — same entry
 * resolution, same `custom.esbuild` options, externals left external — into `<buildDir>/<key>.mjs`, plus
 * the worker runtime that loads them. Bundles live under the project root so their external imports
 * resolve from the project's node_modules exactly as they would from the deployed package.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import type { FunctionConfig } from '../config/stack-config.ts';
import { BundleError, buildIfStale } from './incremental-build.ts';

export interface BundleOptions {
  readonly root: string;
  /** Default `<root>/.synergy/build`. */
  readonly buildDir?: string;
  readonly functions: readonly FunctionConfig[];
  /** `custom.esbuild` as printed. */
  readonly esbuild: Readonly<Record<string, unknown>>;
  /** provider.runtime (e.g. nodejs22.x): the default target, as serverless-esbuild derives it. */
  readonly runtime?: string;
}

export interface Bundles {
  /** Function key → absolute path of its bundle. */
  readonly bundles: Readonly<Record<string, string>>;
  /** The worker script that hosts a bundle (see lambda-worker.ts). */
  readonly runtimePath: string;
  /** The HTTP API's edge thread (see local/http-api/edge-worker.ts). */
  readonly edgeRuntimePath: string;
  readonly rebuilt: boolean;
  readonly ms: number;
}

/** serverless-esbuild's own options, which esbuild would reject (it strips the same list). */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  // A path to a JS file of plugins, or a JS config file: deploy-time only, not supported locally.
  'plugins',
  'config',
];
/** serverless-esbuild's DEFAULT_EXTENSIONS, tried in this order. */
const DEFAULT_EXTENSIONS = ['.ts', '.js', '.jsx', '.tsx'];
const WORKER_SOURCE = fileURLToPath(new URL('./lambda-worker.ts', import.meta.url));
const EDGE_SOURCE = fileURLToPath(new URL('../http-api/edge-worker.ts', import.meta.url));

export async function bundleFunctions(options: BundleOptions): Promise<Bundles> {
  const started = performance.now();
  const buildDir = options.buildDir ?? join(options.root, '.synergy', 'build');
  // esbuild's default format for a node bundle is cjs, as on deploy; the extension tells Node which it is.
  const extension = options.esbuild.format === 'esm' ? '.mjs' : '.cjs';
  const entryPoints: Record<string, string> = {};
  for (const fn of options.functions) entryPoints[fn.key] = resolveEntry(options.root, fn, options.esbuild);

  const functionsBuild =
    options.functions.length === 0
      ? { rebuilt: false }
      : await buildIfStale(
          {
            ...esbuildOptionsFrom(options.esbuild, options.runtime),
            entryPoints,
            outdir: buildDir,
            outExtension: { '.js': extension },
            absWorkingDir: options.root,
          },
          join(buildDir, 'functions.stamp.json'),
        );
  const runtimeDir = join(buildDir, '_runtime');
  const runtimeBuild = await buildIfStale(
    {
      entryPoints: { 'lambda-worker': WORKER_SOURCE, 'http-edge': EDGE_SOURCE },
      outdir: runtimeDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node}`,
    },
    join(runtimeDir, 'runtime.stamp.json'),
  );
  const runtimePath = join(runtimeDir, 'lambda-worker.mjs');
  const bundles: Record<string, string> = {};
  for (const key of Object.keys(entryPoints)) bundles[key] = join(buildDir, `${key}${extension}`);
  return {
    bundles,
    runtimePath,
    edgeRuntimePath: join(runtimeDir, 'http-edge.mjs'),
    rebuilt: functionsBuild.rebuilt || runtimeBuild.rebuilt,
    ms: performance.now() - started,
  };
}

/** The handler's source file, found as serverless-esbuild finds it (`<module><ext>` then `<module>/index<ext>`). */
export function resolveEntry(
  root: string,
  fn: FunctionConfig,
  esbuild: Readonly<Record<string, unknown>>,
): string {
  const configured = esbuild.resolveExtensions;
  const extensions = Array.isArray(configured) ? configured.map(String) : DEFAULT_EXTENSIONS;
  const candidates = extensions.flatMap((extension) => [
    join(root, `${fn.handler.module}${extension}`),
    join(root, fn.handler.module, `index${extension}`),
  ]);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new BundleError(
      `functions.${fn.key}.handler: no source for "${fn.handler.module}" (tried ${extensions.join(', ')})`,
      { functionKey: fn.key, module: fn.handler.module },
    );
  }
  return found;
}

/**
 * custom.esbuild turned into esbuild options the way serverless-esbuild does it (its defaults, its own
 * keys removed, `exclude` added to `external`), with the target capped at the Node running the stack.
 */
export function esbuildOptionsFrom(
  custom: Readonly<Record<string, unknown>>,
  runtime?: string,
): BuildOptions {
  const options: Record<string, unknown> = { bundle: true, platform: 'node' };
  for (const [key, value] of Object.entries(custom)) {
    if (!PLUGIN_ONLY_OPTIONS.includes(key)) options[key] = value;
  }
  const exclude = stringList(custom.exclude ?? ['aws-sdk']);
  options.external = [...stringList(custom.external), ...(exclude.includes('*') ? [] : exclude)];
  options.target = localTarget(custom.target, runtime);
  // esbuild validates every option itself and names the bad one, so the printed map is passed on as is.
  return options as BuildOptions;
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/** A `nodeNN` target newer than the Node running locally is lowered to it (nodejs22.x bundles run on Node 20 here). */
export function localTarget(configured: unknown, runtime?: string): string | string[] {
  const fromRuntime = runtime?.match(/^nodejs(\d+)/)?.[1];
  const targets = stringList(
    configured ?? (fromRuntime ? `node${fromRuntime}` : `node${process.versions.node}`),
  );
  const localMajor = Number(process.versions.node.split('.')[0]);
  const capped = targets.map((target) => {
    const major = target.match(/^node(\d+)/)?.[1];
    return major !== undefined && Number(major) > localMajor ? `node${process.versions.node}` : target;
  });
  return capped.length === 1 ? capped[0] : capped;
}
