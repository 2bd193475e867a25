import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputFileError } from '../../bin/errors.ts';
import { readRunConfigFile } from '../../bin/stack/run-config-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'synergy-run-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRunConfigFile', () => {
  it('returns the text of a JSON file unchanged', async () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, '{ "target": "on_time" }\n');
    await expect(readRunConfigFile(path)).resolves.toBe('{ "target": "on_time" }\n');
  });

  it('names a file that is not JSON', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{ "target": ');
    const error = await readRunConfigFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(`${path} is not valid JSON`);
  });

  it('names a file that cannot be read', async () => {
    const path = join(dir, 'missing.json');
    const error = await readRunConfigFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(`cannot read ${path}: no such file or not readable`);
  });
});
