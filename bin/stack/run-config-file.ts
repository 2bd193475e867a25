import { readFile } from 'node:fs/promises';
import { InputFileError } from '../errors.ts';

/**
 * A run configuration file's text, uploaded as the dataset's _config.json: only its JSON syntax is checked
 * here; Prep validates it and names any bad field.
 */
export async function readRunConfigFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new InputFileError(path, `cannot read ${path}: no such file or not readable`, { cause });
  });
  try {
    JSON.parse(text);
  } catch (cause) {
    throw new InputFileError(path, `${path} is not valid JSON`, { cause });
  }
  return text;
}
