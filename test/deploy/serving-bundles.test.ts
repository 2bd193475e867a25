/**
 * The serving functions' bundles, built as serverless-esbuild builds them at deploy time (serverless.yml's
 * printed custom.esbuild): small (≤ 300 KB minified, which rules out classic zod) and free of any static
 * import of the AWS SDK, which the functions load on first use so that their cold start does not pay
 * for it. Their import time is measured in bench/serve-cold.ts, not here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig, type StackConfig } from '../../local/config/stack-config.ts';
import { esbuildOptionsFrom, resolveEntry } from '../../local/lambda/bundle.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAX_BUNDLE_BYTES = 300 * 1000;
const SERVING_FUNCTIONS = ['predict', 'authorizer'] as const;

const workDir = mkdtempSync(join(tmpdir(), 'synergy-serving-bundles-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let config: StackConfig;
beforeAll(async () => {
  config = await loadStackConfig({ root: ROOT, cacheDir: join(workDir, 'cache') });
}, 120_000);

interface Bundle {
  readonly bytes: number;
  readonly inputs: readonly string[];
  readonly imports: Metafile['outputs'][string]['imports'];
}

async function bundle(functionKey: string): Promise<Bundle> {
  const fn = config.functions[functionKey];
  const result = await build({
    ...esbuildOptionsFrom(config.esbuild, config.runtime),
    entryPoints: [resolveEntry(ROOT, fn, config.esbuild)],
    outdir: join(workDir, 'out'),
    outExtension: { '.js': '.mjs' },
    absWorkingDir: ROOT,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [path, output] =
    Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('.mjs')) ?? [];
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (path === undefined || output === undefined || code === undefined) {
    throw new Error(`esbuild wrote no .mjs for ${functionKey}`);
  }
  return { bytes: code.contents.byteLength, inputs: Object.keys(output.inputs), imports: output.imports };
}

describe('the serving bundles', () => {
  it('are built minified with the AWS SDK external, as deployed', () => {
    expect(config.esbuild.minify).toBe(true);
    expect(esbuildOptionsFrom(config.esbuild, config.runtime).external).toContain('@aws-sdk/*');
  });

  describe.each(SERVING_FUNCTIONS)('%s', (functionKey) => {
    let built: Bundle;
    beforeAll(async () => {
      built = await bundle(functionKey);
    }, 60_000);

    it(`is at most ${MAX_BUNDLE_BYTES / 1000} KB minified`, () => {
      expect(built.bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    });

    it('imports the AWS SDK only dynamically (on first use), never at module load', () => {
      const sdk = built.imports.filter((imported) => imported.path.startsWith('@aws-sdk/'));
      expect(sdk.filter((imported) => imported.kind !== 'dynamic-import')).toEqual([]);
      // The function does reach DynamoDB: through import(), which is what keeps its cold start small.
      expect(sdk.map((imported) => imported.path)).toEqual(
        expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']),
      );
    });

    it('uses zod/mini, never classic zod', () => {
      expect(built.inputs.filter((input) => input.includes('zod/v4/classic'))).toEqual([]);
      expect(built.inputs.some((input) => input.includes('zod/v4/mini'))).toBe(true);
    });
  });
});
