/**
 * Evaluates payload templates (`key.$` paths, intrinsic functions) and paths exactly as the library does
 * for Parameters, by running a one-state Pass machine: the Distributed Map needs them for ItemReader,
 * ResultWriter, ItemSelector and ItemsPath, which the library does not handle itself.
 * The library sets `$$.Execution.Input`/`StartTime` of that tiny run to its own input and start.
 */

import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { type LibraryJson, libraryMachine, startLibraryRun, unwrapExecutionError } from './library.ts';

export async function evaluateTemplate(
  template: JsonValue,
  input: JsonValue,
  context: JsonObject,
): Promise<JsonValue> {
  if (!isJsonObject(template) && !Array.isArray(template)) return template;
  const machine = libraryMachine({
    StartAt: 'Evaluate',
    States: { Evaluate: { Type: 'Pass', Parameters: template as LibraryJson, End: true } },
  });
  try {
    return (await startLibraryRun(machine, input, {}, context).result) as JsonValue;
  } catch (error) {
    throw unwrapExecutionError(error);
  }
}

export async function evaluatePath(path: string, input: JsonValue, context: JsonObject): Promise<JsonValue> {
  const evaluated = await evaluateTemplate({ 'value.$': path }, input, context);
  return (evaluated as JsonObject).value;
}
