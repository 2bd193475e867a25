/** The ARNs Step Functions gives executions and Map Runs, built from the state machine's ARN as AWS does. */
import { StepFunctionsApiError } from './errors.ts';

const STATE_MACHINE_ARN = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

export interface StateMachineArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
}

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

export function parseStateMachineArn(arn: string): StateMachineArnParts {
  const match = STATE_MACHINE_ARN.exec(arn);
  if (!match)
    throw new StepFunctionsApiError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${arn}'`,
    );
  return { partition: match[1], region: match[2], accountId: match[3], name: match[4] };
}

export function isExecutionArn(arn: string): boolean {
  return EXECUTION_ARN.test(arn);
}

export function executionArn(machineArn: string, executionName: string): string {
  const parts = parseStateMachineArn(machineArn);
  return `arn:${parts.partition}:states:${parts.region}:${parts.accountId}:execution:${parts.name}:${executionName}`;
}

/** A Distributed Map's child workflows run as `<machine>/<label>`: their own "state machine". */
export function mapChildMachineArn(machineArn: string, label: string): string {
  return `${machineArn}/${label}`;
}

export function mapRunArn(machineArn: string, label: string, mapRunId: string): string {
  const parts = parseStateMachineArn(machineArn);
  return `arn:${parts.partition}:states:${parts.region}:${parts.accountId}:mapRun:${parts.name}/${label}:${mapRunId}`;
}

export function mapChildExecutionArn(machineArn: string, label: string, childName: string): string {
  const parts = parseStateMachineArn(machineArn);
  return `arn:${parts.partition}:states:${parts.region}:${parts.accountId}:execution:${parts.name}/${label}:${childName}`;
}

// AWS: 1–80 characters; no whitespace, brackets, wildcards, these specials or control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function assertValidExecutionName(name: string): void {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${name}'`, { name });
  }
}
