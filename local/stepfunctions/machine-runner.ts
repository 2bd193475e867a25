/**
 * Runs one execution of a runnable machine with aws-local-stepfunctions: wires each Task state of the
 * run scope to its local handler (Lambda or Distributed Map), links the abort signal, and translates the
 * library's event log into history. Resolves with the output or rejects with the library's error.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { distributedMapHandler } from './distributed-map.ts';
import {
  DISCARDED_HISTORY,
  type HistorySink,
  LibraryEventTranslator,
  type TopLevelStateListener,
} from './history.ts';
import type { JsonValue } from './json.ts';
import { type LambdaEnvironment, lambdaTaskHandler } from './lambda-task.ts';
import { libraryMachine, startLibraryRun, type TaskHandlers } from './library.ts';
import { contextObject, type RunIdentity } from './run-context.ts';
import type { RunnableMachine } from './runnable-machine.ts';

export interface RunEnvironment extends LambdaEnvironment {
  readonly s3: S3Client;
  readonly distributedMapConcurrency: number;
}

export interface RunOptions {
  readonly signal: AbortSignal;
  readonly history: HistorySink;
  /** States run for the engine's own purposes (recovery), left out of the history. */
  readonly hiddenStates?: ReadonlySet<string>;
  readonly topLevel?: TopLevelStateListener;
}

export async function runMachine(
  machine: RunnableMachine,
  input: JsonValue,
  identity: RunIdentity,
  options: RunOptions,
  env: RunEnvironment,
): Promise<JsonValue> {
  const handlers = taskHandlers(machine, identity, options, env);
  const run = startLibraryRun(libraryMachine(machine.definition), input, handlers, contextObject(identity));
  const abort = () => run.abort();
  if (options.signal.aborted) abort();
  options.signal.addEventListener('abort', abort, { once: true });
  const translator = new LibraryEventTranslator(
    options.history,
    machine.distributedMapNames,
    options.hiddenStates ?? new Set(),
    options.topLevel,
  );
  const translated = (async () => {
    for await (const event of run.eventLogs) translator.translate(event);
  })();
  try {
    return (await run.result) as JsonValue;
  } finally {
    options.signal.removeEventListener('abort', abort);
    await translated;
  }
}

function taskHandlers(
  machine: RunnableMachine,
  identity: RunIdentity,
  options: RunOptions,
  env: RunEnvironment,
): TaskHandlers {
  const handlers: TaskHandlers = {};
  const scope = { signal: options.signal, history: options.history };
  for (const [name, route] of machine.routes) {
    handlers[name] =
      route.kind === 'lambda'
        ? lambdaTaskHandler(route, scope, env)
        : distributedMapHandler(
            route.spec,
            { ...scope, identity },
            {
              s3: env.s3,
              concurrencyCap: env.distributedMapConcurrency,
              runChild: (child, childInput, childIdentity, signal) =>
                runMachine(child, childInput, childIdentity, { signal, history: DISCARDED_HISTORY }, env),
            },
          );
  }
  return handlers;
}
