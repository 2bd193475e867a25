/**
 * Finds what the local runner (aws-local-stepfunctions 3 plus this folder's Distributed Map harness)
 * cannot run the way AWS would, so a definition either runs faithfully or is refused with every reason.
 * Each problem names the state path. `validateWithAslValidator` is the structural check (asl-validator),
 * run on a copy whose `Fn::GetAtt` Resources are replaced by Lambda ARNs.
 */
import aslValidator from 'asl-validator';
import { isDistributedMap, type VisitedState, visitStates } from './asl-walk.ts';
import type { DefinitionProblem } from './errors.ts';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import {
  classifyTaskResource,
  isGetAttArn,
  S3_GET_OBJECT_RESOURCE,
  S3_PUT_OBJECT_RESOURCE,
} from './task-resource.ts';

export type LintProblem = DefinitionProblem;

/** The context object fields the local runner provides ($$.State, $$.Task… are not). */
const SUPPORTED_CONTEXT_PATHS = [
  '$$.Execution.Id',
  '$$.Execution.Name',
  '$$.Execution.Input',
  '$$.Execution.StartTime',
  '$$.Execution.RoleArn',
  '$$.StateMachine.Id',
  '$$.StateMachine.Name',
  '$$.Map.Item.Value',
  '$$.Map.Item.Index',
];

const DISTRIBUTED_ONLY_FIELDS = [
  'ItemReader',
  'ResultWriter',
  'ToleratedFailurePercentage',
  'ToleratedFailureCount',
  'Label',
] as const;
const UNSUPPORTED_DISTRIBUTED_FIELDS = [
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCountPath',
  'MaxConcurrencyPath',
] as const;
const JSONATA_FIELDS = ['Output', 'Arguments', 'Items', 'Condition'] as const;

export function lintStateMachine(definition: unknown): LintProblem[] {
  if (!isJsonObject(definition)) return [{ path: '$', message: 'the definition is not a JSON object' }];
  const problems: LintProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  if (definition.QueryLanguage === 'JSONata') {
    report('QueryLanguage', 'JSONata is not supported locally (aws-local-stepfunctions runs JSONPath only)');
  }
  const scopes = new Map<string, Map<string, { path: string; key: string }>>();
  visitStates(definition, (visited) => {
    lintState(visited, report);
    trackHandlerName(visited, scopes, report);
  });
  return problems;
}

function lintState(visited: VisitedState, report: (path: string, message: string) => void): void {
  const { state, path } = visited;
  if (state.QueryLanguage === 'JSONata') {
    report(
      `${path}.QueryLanguage`,
      'JSONata is not supported locally (aws-local-stepfunctions runs JSONPath only)',
    );
  }
  for (const field of JSONATA_FIELDS) {
    if (field in state)
      report(`${path}.${field}`, `${field} is a JSONata field; JSONata is not supported locally`);
  }
  lintAssign(state, path, report);
  lintContextReferences(state, path, report);
  if (state.Type === 'Task') lintTask(state, path, report);
  if (state.Type === 'Map') lintMap(state, path, report);
}

function lintAssign(state: JsonObject, path: string, report: (path: string, message: string) => void): void {
  const message = 'Assign (variables) is ignored by aws-local-stepfunctions';
  if ('Assign' in state) report(`${path}.Assign`, message);
  for (const list of ['Catch', 'Choices'] as const) {
    const entries = state[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      if (isJsonObject(entry) && 'Assign' in entry) report(`${path}.${list}[${index}].Assign`, message);
    });
  }
}

function lintTask(state: JsonObject, path: string, report: (path: string, message: string) => void): void {
  const resource = classifyTaskResource(state.Resource);
  if (resource.kind === 'unsupported') report(`${path}.Resource`, resource.reason);
  for (const field of ['HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials'] as const) {
    if (field in state) report(`${path}.${field}`, `${field} is not supported locally`);
  }
  if ('TimeoutSecondsPath' in state) {
    report(`${path}.TimeoutSecondsPath`, 'TimeoutSecondsPath is not supported locally (use TimeoutSeconds)');
  }
}

function lintMap(state: JsonObject, path: string, report: (path: string, message: string) => void): void {
  if ('ItemBatcher' in state) report(`${path}.ItemBatcher`, 'ItemBatcher is not supported locally');
  if (!isDistributedMap(state)) {
    for (const field of DISTRIBUTED_ONLY_FIELDS) {
      if (field in state) report(`${path}.${field}`, `${field} is only valid on a DISTRIBUTED Map`);
    }
    return;
  }
  for (const field of UNSUPPORTED_DISTRIBUTED_FIELDS) {
    if (field in state) report(`${path}.${field}`, `${field} is not supported by the local Distributed Map`);
  }
  const processor = state.ItemProcessor as JsonObject;
  const config = processor.ProcessorConfig as JsonObject;
  if (config.ExecutionType === 'EXPRESS') {
    report(
      `${path}.ItemProcessor.ProcessorConfig.ExecutionType`,
      'EXPRESS child workflows (5-minute limit, at-least-once) would run as STANDARD locally',
    );
  }
  lintItemReader(state.ItemReader, `${path}.ItemReader`, report);
  lintResultWriter(state.ResultWriter, `${path}.ResultWriter`, report);
  for (const list of ['Retry', 'Catch'] as const) {
    const entries = state[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      if (
        isJsonObject(entry) &&
        Array.isArray(entry.ErrorEquals) &&
        entry.ErrorEquals.includes('States.TaskFailed')
      ) {
        report(
          `${path}.${list}[${index}].ErrorEquals`,
          'States.TaskFailed does not match a Map on AWS, but the local Distributed Map runs as a Task where it would',
        );
      }
    });
  }
}

function lintItemReader(
  reader: JsonValue | undefined,
  path: string,
  report: (path: string, message: string) => void,
): void {
  if (reader === undefined) return;
  if (!isJsonObject(reader)) {
    report(path, 'ItemReader must be an object');
    return;
  }
  if (reader.Resource !== S3_GET_OBJECT_RESOURCE) {
    report(`${path}.Resource`, `only ${S3_GET_OBJECT_RESOURCE} (a JSON array object) is supported locally`);
  }
  const config = isJsonObject(reader.ReaderConfig) ? reader.ReaderConfig : {};
  if (config.InputType !== 'JSON') {
    report(`${path}.ReaderConfig.InputType`, 'only InputType JSON is supported locally');
  }
  for (const key of Object.keys(config)) {
    if (key !== 'InputType' && key !== 'MaxItems')
      report(`${path}.ReaderConfig.${key}`, `${key} is not supported locally`);
  }
  lintS3Parameters(reader.Parameters, `${path}.Parameters`, ['Bucket', 'Key', 'VersionId'], report);
}

function lintResultWriter(
  writer: JsonValue | undefined,
  path: string,
  report: (path: string, message: string) => void,
): void {
  if (writer === undefined) return;
  if (!isJsonObject(writer)) {
    report(path, 'ResultWriter must be an object');
    return;
  }
  if (writer.Resource !== S3_PUT_OBJECT_RESOURCE) {
    report(`${path}.Resource`, `only ${S3_PUT_OBJECT_RESOURCE} is supported locally`);
  }
  if ('WriterConfig' in writer)
    report(`${path}.WriterConfig`, 'WriterConfig (Transformation/OutputType) is not supported locally');
  lintS3Parameters(writer.Parameters, `${path}.Parameters`, ['Bucket', 'Prefix'], report);
}

function lintS3Parameters(
  parameters: JsonValue | undefined,
  path: string,
  allowed: readonly string[],
  report: (path: string, message: string) => void,
): void {
  if (!isJsonObject(parameters)) {
    report(path, 'Parameters must be an object');
    return;
  }
  for (const key of Object.keys(parameters)) {
    if (!allowed.includes(key.replace(/\.\$$/, '')))
      report(`${path}.${key}`, `${key} is not supported locally`);
  }
}

/** Walks a state's own fields (not its sub-machines) for `$$.` references the local context lacks. */
function lintContextReferences(
  state: JsonObject,
  path: string,
  report: (path: string, message: string) => void,
): void {
  const walk = (value: JsonValue, at: string, key: string) => {
    if (typeof value === 'string') {
      if (key.endsWith('.$') || key.endsWith('Path') || key === 'Variable')
        checkContextPaths(value, at, report);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(item, `${at}[${index}]`, key);
      });
      return;
    }
    if (!isJsonObject(value)) return;
    for (const [childKey, child] of Object.entries(value)) walk(child, `${at}.${childKey}`, childKey);
  };
  for (const [key, value] of Object.entries(state)) {
    if (key === 'ItemProcessor' || key === 'Iterator' || key === 'Branches') continue;
    walk(value, `${path}.${key}`, key);
  }
}

function checkContextPaths(
  expression: string,
  at: string,
  report: (path: string, message: string) => void,
): void {
  for (const match of expression.matchAll(/\$\$(\.[A-Za-z_][A-Za-z0-9_]*)*/g)) {
    const reference = match[0];
    const supported = SUPPORTED_CONTEXT_PATHS.some(
      (prefix) =>
        reference === prefix || reference.startsWith(`${prefix}.`) || prefix.startsWith(`${reference}.`),
    );
    if (!supported || reference === '$$') {
      report(
        at,
        `${reference} is not provided by the local context object (only ${SUPPORTED_CONTEXT_PATHS.join(', ')})`,
      );
    }
  }
}

/**
 * aws-local-stepfunctions keys Task handlers by state name across one execution (inline Maps and
 * Parallel branches included), so two such states of the same name must run the same function.
 */
function trackHandlerName(
  visited: VisitedState,
  scopes: Map<string, Map<string, { path: string; key: string }>>,
  report: (path: string, message: string) => void,
): void {
  const { state, name, path, scope } = visited;
  let key: string;
  if (state.Type === 'Task') key = `task:${JSON.stringify(state.Resource)}`;
  else if (isDistributedMap(state)) key = `distributed-map:${path}`;
  else return;
  const names = scopes.get(scope) ?? new Map<string, { path: string; key: string }>();
  scopes.set(scope, names);
  const earlier = names.get(name);
  if (earlier && earlier.key !== key) {
    report(
      path,
      `state name ${name} is also used by ${earlier.path} in the same execution; the local runner keys tasks by name`,
    );
  }
  if (!earlier) names.set(name, { path, key });
}

/** asl-validator compiles its JSON schemas on every call (~0.5 s); a definition is validated once per process. */
const validated = new Map<string, readonly LintProblem[]>();

/** Runs asl-validator (checkArn, checkPaths) on a copy whose Fn::GetAtt Resources are Lambda ARNs. */
export function validateWithAslValidator(definition: unknown): LintProblem[] {
  const key = JSON.stringify(definition);
  const known = validated.get(key);
  if (known) return [...known];
  const copy = cloneJson(definition) as JsonValue;
  if (isJsonObject(copy)) {
    visitStates(copy, ({ state }) => {
      if (state.Type === 'Task' && isGetAttArn(state.Resource)) {
        const getAtt = (state.Resource as JsonObject)['Fn::GetAtt'] as string[];
        state.Resource = `arn:aws:lambda:us-east-1:123456789012:function:${getAtt[0]}`;
      }
    });
  }
  const result = aslValidator(copy, { checkArn: true, checkPaths: true });
  const problems = result.errors.map((error) => ({
    path: 'definition',
    message: `${error['Error code']}: ${error.Message}`,
  }));
  validated.set(key, problems);
  return [...problems];
}
