/**
 * esbuild that skips itself when nothing changed: a stamp file keeps the options' fingerprint and the
 * mtime of every input the last build read (esbuild's metafile), so a restart of the local stack costs a
 * few stat calls instead of a bundle of the AWS SDK per function.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import * as esbuild from 'esbuild';
import { SynergyError } from '../../layers/core/errors.ts';

/** esbuild rejected the code or the options; the message has esbuild's formatted diagnostics. */
export class BundleError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'BundleError';
  }
}

interface Stamp {
  readonly fingerprint: string;
  /** Input path (relative to absWorkingDir, as the metafile has it) → mtimeMs. */
  readonly inputs: Record<string, number>;
  readonly outputs: string[];
}

export interface IncrementalResult {
  readonly rebuilt: boolean;
  readonly outputs: readonly string[];
}

/** Builds `options` (with write:false, metafile:true forced) unless the stamp at `stampFile` is still fresh. */
export async function buildIfStale(
  options: esbuild.BuildOptions,
  stampFile: string,
): Promise<IncrementalResult> {
  const fingerprint = createHash('sha256')
    .update(esbuild.version)
    .update(JSON.stringify(options))
    .digest('hex');
  const workingDir = options.absWorkingDir ?? process.cwd();
  const previous = await readStamp(stampFile);
  if (previous && previous.fingerprint === fingerprint && (await isFresh(previous, workingDir))) {
    return { rebuilt: false, outputs: previous.outputs };
  }
  const buildStartedMs = Date.now();
  const result = await runEsbuild({ ...options, write: false, metafile: true, logLevel: 'silent' });
  for (const file of result.outputFiles) await writeAtomically(file.path, file.contents);
  const inputs: Record<string, number> = {};
  const names = Object.keys(result.metafile.inputs);
  const mtimes = await Promise.all(names.map((input) => mtimeOf(resolveInput(workingDir, input))));
  names.forEach((input, index) => {
    const mtime = mtimes[index];
    // Edited while esbuild read it: the output may hold the old text, so the next start must rebuild.
    if (mtime !== undefined) inputs[input] = mtime >= buildStartedMs ? -1 : mtime;
  });
  const outputs = result.outputFiles.map((file) => file.path);
  await writeAtomically(stampFile, JSON.stringify({ fingerprint, inputs, outputs } satisfies Stamp));
  return { rebuilt: true, outputs };
}

async function runEsbuild(
  options: esbuild.BuildOptions & { write: false; metafile: true },
): Promise<esbuild.BuildResult<typeof options>> {
  try {
    return await esbuild.build(options);
  } catch (error) {
    const errors = (error as Partial<esbuild.BuildFailure>).errors;
    const details = errors
      ? (await esbuild.formatMessages(errors, { kind: 'error' })).join('\n')
      : String(error);
    throw new BundleError(
      `esbuild failed:\n${details}`,
      { entryPoints: options.entryPoints },
      { cause: error },
    );
  }
}

async function readStamp(file: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

async function isFresh(stamp: Stamp, workingDir: string): Promise<boolean> {
  const outputs = await Promise.all(stamp.outputs.map(mtimeOf));
  if (outputs.includes(undefined)) return false;
  const inputs = Object.entries(stamp.inputs);
  const mtimes = await Promise.all(inputs.map(([input]) => mtimeOf(resolveInput(workingDir, input))));
  return inputs.every(([, mtime], index) => mtimes[index] === mtime);
}

function resolveInput(workingDir: string, input: string): string {
  return isAbsolute(input) ? input : join(workingDir, input);
}

async function mtimeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Write-then-rename, so a worker starting meanwhile (or another process building) never loads half a file. */
async function writeAtomically(path: string, contents: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(partial, contents);
  await rename(partial, path);
}
