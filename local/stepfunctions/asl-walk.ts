/**
 * Walks an ASL definition: every state, nested ones included (Map ItemProcessor/Iterator, Parallel
 * Branches), with a readable path and the "run scope" it executes in. A run scope is one execution of
 * aws-local-stepfunctions: the root machine with its inline Maps and Parallel branches (the library keys
 * Task handlers by state name across all of them), or a Distributed Map's ItemProcessor, which runs as
 * child executions of its own.
 */
import { isJsonObject, type JsonObject } from './json.ts';

export interface VisitedState {
  readonly name: string;
  readonly state: JsonObject;
  /** e.g. `States.Cells.ItemProcessor.States.TrainCell`. */
  readonly path: string;
  /** Path of the machine whose execution runs this state: '' for the root, else the Distributed Map's path. */
  readonly scope: string;
  /** The QueryLanguage in force for this state (a state's own, else its machine's, else JSONPath). */
  readonly queryLanguage: string;
}

export function isDistributedMap(state: JsonObject): boolean {
  if (state.Type !== 'Map') return false;
  const processor = state.ItemProcessor;
  return (
    isJsonObject(processor) &&
    isJsonObject(processor.ProcessorConfig) &&
    processor.ProcessorConfig.Mode === 'DISTRIBUTED'
  );
}

/** The sub-machines of a state (Map processor, Parallel branches) with the path segment that leads to each. */
export function subMachines(state: JsonObject): { segment: string; machine: JsonObject }[] {
  const found: { segment: string; machine: JsonObject }[] = [];
  for (const key of ['ItemProcessor', 'Iterator'] as const) {
    const machine = state[key];
    if (isJsonObject(machine)) found.push({ segment: key, machine });
  }
  const branches = state.Branches;
  if (Array.isArray(branches)) {
    branches.forEach((branch, index) => {
      if (isJsonObject(branch)) found.push({ segment: `Branches[${index}]`, machine: branch });
    });
  }
  return found;
}

export function visitStates(definition: JsonObject, visit: (visited: VisitedState) => void): void {
  walkMachine(definition, '', '', 'JSONPath', visit);
}

function walkMachine(
  machine: JsonObject,
  prefix: string,
  scope: string,
  inheritedLanguage: string,
  visit: (visited: VisitedState) => void,
): void {
  const machineLanguage =
    typeof machine.QueryLanguage === 'string' ? machine.QueryLanguage : inheritedLanguage;
  const states = machine.States;
  if (!isJsonObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    const path = `${prefix}States.${name}`;
    const queryLanguage = typeof state.QueryLanguage === 'string' ? state.QueryLanguage : machineLanguage;
    visit({ name, state, path, scope, queryLanguage });
    const childScope = isDistributedMap(state) ? path : scope;
    for (const { segment, machine: sub } of subMachines(state)) {
      walkMachine(sub, `${path}.${segment}.`, childScope, queryLanguage, visit);
    }
  }
}
