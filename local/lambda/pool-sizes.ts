/**
 * How many sandboxes each function may run at once. A function a Map state fans out to (train) and a
 * function behind the HTTP API (a route's or an authorizer's, which concurrent requests reach at once)
 * get one per core; the others half as many, since one run calls them once at a time. A function's
 * reservedConcurrency in serverless.yml and an explicit override both cap it.
 */
import { availableParallelism } from 'node:os';
import type { StackConfig } from '../config/stack-config.ts';
import type { FunctionResolver } from './resolve-function.ts';

export function poolSizes(
  config: Pick<StackConfig, 'functions' | 'stateMachines'> & Partial<Pick<StackConfig, 'httpApi'>>,
  resolveFunction: FunctionResolver,
  overrides: Readonly<Record<string, number>> = {},
  cores = availableParallelism(),
): Record<string, number> {
  const fannedOut = new Set<string>();
  for (const machine of config.stateMachines)
    collectMapTasks(machine.definition, false, resolveFunction, fannedOut);
  for (const route of config.httpApi?.routes ?? []) fannedOut.add(route.functionKey);
  for (const authorizer of Object.values(config.httpApi?.authorizers ?? {}))
    fannedOut.add(authorizer.functionKey);
  const sizes: Record<string, number> = {};
  for (const fn of Object.values(config.functions)) {
    const wanted = overrides[fn.key] ?? (fannedOut.has(fn.key) ? cores : Math.max(1, Math.floor(cores / 2)));
    const reserved =
      fn.reservedConcurrency && fn.reservedConcurrency > 0
        ? fn.reservedConcurrency
        : Number.POSITIVE_INFINITY;
    sizes[fn.key] = Math.max(1, Math.min(wanted, cores, reserved));
  }
  return sizes;
}

/** Adds to `found` the function keys of Task states inside a Map's ItemProcessor (or legacy Iterator). */
function collectMapTasks(
  machine: Readonly<Record<string, unknown>>,
  insideMap: boolean,
  resolveFunction: FunctionResolver,
  found: Set<string>,
): void {
  const states = (machine.States ?? {}) as Record<string, Record<string, unknown>>;
  for (const state of Object.values(states)) {
    if (insideMap && state.Type === 'Task') {
      try {
        found.add(resolveFunction(state.Resource, state.Parameters));
      } catch {
        // A service integration (s3, sqs…) in the map is not a function: nothing to size.
      }
    }
    for (const nested of [state.ItemProcessor, state.Iterator]) {
      if (nested && typeof nested === 'object') {
        collectMapTasks(nested as Record<string, unknown>, true, resolveFunction, found);
      }
    }
    for (const branch of (state.Branches ?? []) as Record<string, unknown>[]) {
      collectMapTasks(branch, insideMap, resolveFunction, found);
    }
  }
}
