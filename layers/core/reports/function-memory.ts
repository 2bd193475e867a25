/**
 * The pipeline functions' memory sizes, which the cost estimate multiplies durations by. The CLI takes
 * them from the stack's configuration (serverless.yml as printed); the Finish Lambda from its
 * FUNCTION_MEMORY_MB variable, a JSON object serverless.yml fills from the functions' own `memorySize`.
 */
import { z } from 'zod';
import { SynergyError } from '../errors.ts';
import type { FunctionMemory, PipelineFunction } from './cost-estimate.ts';
import { PIPELINE_FUNCTIONS } from './cost-estimate.ts';

/** The memory sizes are missing or malformed; the message names the function. */
export class FunctionMemoryError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'FunctionMemoryError';
  }
}

/** Lambda's memory range, in MB. */
const memory = z.number().int().min(128).max(10_240);

/** `{"prep":3008,…}` with every pipeline function; extra keys are ignored. */
export function parseFunctionMemory(json: string | undefined, source = 'FUNCTION_MEMORY_MB'): FunctionMemory {
  if (json === undefined || json.trim() === '') {
    throw new FunctionMemoryError(`${source} is not set`, { source });
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new FunctionMemoryError(`${source} is not JSON`, { source }, { cause: error });
  }
  return functionMemoryFrom(
    (fn) =>
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[fn] : undefined,
    source,
  );
}

/** From the stack configuration's functions (local/config/stack-config.ts FunctionConfig). */
export function functionMemoryFromStack(
  functions: Readonly<Record<string, { readonly memorySizeMb: number }>>,
): FunctionMemory {
  return functionMemoryFrom((fn) => functions[fn]?.memorySizeMb, 'the stack configuration');
}

function functionMemoryFrom(lookup: (fn: PipelineFunction) => unknown, source: string): FunctionMemory {
  const entries = PIPELINE_FUNCTIONS.map((fn) => {
    const parsed = memory.safeParse(lookup(fn));
    if (!parsed.success) {
      throw new FunctionMemoryError(`${source}: ${fn}: must be a memory size in MB (128–10240)`, {
        source,
        function: fn,
      });
    }
    return [fn, parsed.data] as const;
  });
  return Object.fromEntries(entries) as Record<PipelineFunction, number>;
}
