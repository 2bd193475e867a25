/**
 * The stack's EventBridge rules, from the functions' `eventBridge` and `schedule` events as printed,
 * named as serverless (v4) names them:
 * - `eventBridge`: the event's `name`, else `<function name>-rule-<n>` with n the event's 1-based index
 *   among the function's events (md5-shortened past 64 characters, as serverless does);
 * - `schedule`: the event's `name`, else CloudFormation's generated name without its random suffix:
 *   `<service>-<stage>-<Function>EventsRuleSchedule<n>` (n counts the function's schedule expressions),
 *   cut to 64 characters. Deterministic, so a rule ARN is the same on every start.
 * Patterns and schedule expressions are validated here, so a bad one fails the stack at start.
 */
import { createHash } from 'node:crypto';
import { parseInputPath } from '../eventbridge/input-path.ts';
import { compilePattern } from '../eventbridge/pattern.ts';
import { parseSchedule } from '../eventbridge/schedule.ts';
import { StackConfigError } from './errors.ts';
import type { IntrinsicContext } from './intrinsics.ts';
import { resolveIntrinsics, resolveToString } from './intrinsics.ts';
import { parseConfig } from './parse-config.ts';
import type { PrintedScheduleEvent, PrintedServerlessConfig } from './printed-schema.ts';
import { eventBridgeEventSchema, scheduleEventSchema } from './printed-schema.ts';
import { functionName, normalizedResourceName } from './resource-facts.ts';

export const DEFAULT_EVENT_BUS = 'default';
const MAX_RULE_NAME = 64;

export interface EventRule {
  readonly name: string;
  readonly arn: string;
  /** The key under `functions:` of the rule's one target. */
  readonly functionKey: string;
  /** The bus the rule is on: `default` unless an eventBridge event names another. */
  readonly eventBus: string;
  readonly pattern?: Record<string, unknown>;
  /** `rate(…)` or `cron(…)`. */
  readonly schedule?: string;
  readonly enabled: boolean;
  /** The target's constant input (parsed JSON): delivered instead of the event. */
  readonly input?: unknown;
  /** The target's InputPath: that part of the event is delivered instead of all of it. */
  readonly inputPath?: string;
  readonly description?: string;
}

/** `arn:aws:events:<region>:<account>:rule/<name>`, with `<bus>/` before the name off the default bus. */
export function ruleArn(region: string, accountId: string, eventBus: string, name: string): string {
  const path = eventBus === DEFAULT_EVENT_BUS ? name : `${eventBus}/${name}`;
  return `arn:aws:events:${region}:${accountId}:rule/${path}`;
}

export function deriveEventRules(config: PrintedServerlessConfig, context: IntrinsicContext): EventRule[] {
  const rules: EventRule[] = [];
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    let scheduleNumber = 0;
    (fn.events ?? []).forEach((event, index) => {
      const path = `functions.${key}.events[${index}]`;
      if (event.eventBridge !== undefined) {
        rules.push(
          eventBridgeRule(config, context, key, event.eventBridge, index + 1, `${path}.eventBridge`),
        );
      }
      if (event.schedule !== undefined) {
        for (const rule of scheduleRules(context, key, event.schedule, scheduleNumber, `${path}.schedule`)) {
          scheduleNumber++;
          rules.push(rule);
        }
      }
    });
  }
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.arn)) {
      throw new StackConfigError(`two EventBridge rules are named ${rule.name} on bus ${rule.eventBus}`, {
        rule: rule.name,
      });
    }
    seen.add(rule.arn);
  }
  return rules;
}

function eventBridgeRule(
  config: PrintedServerlessConfig,
  context: IntrinsicContext,
  functionKey: string,
  raw: unknown,
  eventNumber: number,
  path: string,
): EventRule {
  const event = parseConfig(eventBridgeEventSchema, raw, path);
  if (event.inputTransformer !== undefined) throw unsupported(`${path}.inputTransformer`);
  if (event.pattern === undefined && event.schedule === undefined) {
    throw new StackConfigError(`${path}: an eventBridge event needs a pattern or a schedule`, { path });
  }
  if ([event.input, event.inputPath].filter((value) => value !== undefined).length > 1) {
    throw new StackConfigError(`${path}: set only one of input and inputPath`, { path });
  }
  const eventBus = busName(event.eventBus, context, `${path}.eventBus`);
  if (event.schedule !== undefined && eventBus !== DEFAULT_EVENT_BUS) {
    throw new StackConfigError(`${path}: schedules run only on the default event bus`, { path, eventBus });
  }
  const name = event.name ?? ruleNameFor(functionName(config, functionKey), eventNumber);
  const pattern =
    event.pattern === undefined ? undefined : checkedPattern(event.pattern, context, `${path}.pattern`);
  return {
    name,
    arn: ruleArn(context.region, context.accountId, eventBus, name),
    functionKey,
    eventBus,
    ...(pattern === undefined ? {} : { pattern }),
    ...(event.schedule === undefined
      ? {}
      : { schedule: checkedSchedule(event.schedule, `${path}.schedule`) }),
    enabled: event.enabled ?? true,
    ...(event.input === undefined ? {} : { input: resolveIntrinsics(event.input, context, `${path}.input`) }),
    ...(event.inputPath === undefined
      ? {}
      : { inputPath: checkedInputPath(event.inputPath, `${path}.inputPath`) }),
    ...(event.description === undefined ? {} : { description: event.description }),
  };
}

function scheduleRules(
  context: IntrinsicContext,
  functionKey: string,
  raw: unknown,
  numbersBefore: number,
  path: string,
): EventRule[] {
  const event = parseConfig(scheduleEventSchema, raw, path);
  const options: Exclude<PrintedScheduleEvent, string> =
    typeof event === 'string' ? { rate: [event] } : event;
  const rates = typeof options.rate === 'string' ? [options.rate] : options.rate;
  if (options.inputTransformer !== undefined) throw unsupported(`${path}.inputTransformer`);
  if (options.method !== undefined && options.method !== 'eventBus') {
    throw unsupported(`${path}.method ${options.method}`);
  }
  if (options.name !== undefined && rates.length > 1) {
    throw new StackConfigError(`${path}: a named schedule can have only one rate expression`, { path });
  }
  if (options.input !== undefined && options.inputPath !== undefined) {
    throw new StackConfigError(`${path}: set only one of input and inputPath`, { path });
  }
  const input = options.input === undefined ? undefined : scheduleInput(options.input, context, path);
  return rates.map((rawExpression, index) => {
    const expression = checkedSchedule(
      resolveToString(rawExpression, context, `${path}.rate[${index}]`),
      `${path}.rate[${index}]`,
    );
    const logicalId = `${normalizedResourceName(functionKey)}EventsRuleSchedule${numbersBefore + index + 1}`;
    const name = options.name ?? `${context.stackName}-${logicalId}`.slice(0, MAX_RULE_NAME);
    return {
      name,
      arn: ruleArn(context.region, context.accountId, DEFAULT_EVENT_BUS, name),
      functionKey,
      eventBus: DEFAULT_EVENT_BUS,
      schedule: expression,
      enabled: options.enabled ?? true,
      ...(input === undefined ? {} : { input }),
      ...(options.inputPath === undefined
        ? {}
        : { inputPath: checkedInputPath(options.inputPath, `${path}.inputPath`) }),
      ...(options.description === undefined ? {} : { description: options.description }),
    };
  });
}

/**
 * A schedule's constant input as the target receives it: a string is JSON text (the target's Input); an
 * object is sent as JSON, its `body` string parsed first (serverless does both).
 */
function scheduleInput(
  raw: string | Record<string, unknown>,
  context: IntrinsicContext,
  path: string,
): unknown {
  if (typeof raw === 'string') return parseJson(raw, `${path}.input`);
  const input = resolveIntrinsics(raw, context, `${path}.input`) as Record<string, unknown>;
  return typeof input.body === 'string'
    ? { ...input, body: parseJson(input.body, `${path}.input.body`) }
    : input;
}

/** serverless's makeAndHashRuleName: `<function name>-rule-<n>`, md5-shortened past 64 characters. */
function ruleNameFor(deployedFunctionName: string, eventNumber: number): string {
  const suffix = `rule-${eventNumber}`;
  const name = `${deployedFunctionName}-${suffix}`;
  if (name.length <= MAX_RULE_NAME) return name;
  const digest = createHash('md5').update(name).digest('hex');
  return `${name.slice(0, 31 - suffix.length)}${digest}-${suffix}`;
}

function busName(raw: unknown, context: IntrinsicContext, path: string): string {
  if (raw === undefined) return DEFAULT_EVENT_BUS;
  const name = resolveToString(raw, context, path);
  // An event bus ARN: arn:aws:events:<region>:<account>:event-bus/<name>.
  return name.startsWith('arn:') ? name.slice(name.indexOf('/') + 1) : name;
}

function checkedPattern(raw: Record<string, unknown>, context: IntrinsicContext, path: string) {
  const pattern = resolveIntrinsics(raw, context, path) as Record<string, unknown>;
  try {
    compilePattern(pattern);
  } catch (error) {
    throw new StackConfigError(`${path}: ${errorMessage(error)}`, { path }, { cause: error });
  }
  return pattern;
}

function checkedSchedule(expression: string, path: string): string {
  try {
    parseSchedule(expression);
  } catch (error) {
    throw new StackConfigError(`${path}: ${errorMessage(error)}`, { path }, { cause: error });
  }
  return expression;
}

function checkedInputPath(inputPath: string, path: string): string {
  try {
    parseInputPath(inputPath);
  } catch (error) {
    throw new StackConfigError(`${path}: ${errorMessage(error)}`, { path }, { cause: error });
  }
  return inputPath;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StackConfigError(`${path}: the target input must be JSON text`, { path }, { cause: error });
  }
}

function unsupported(what: string): StackConfigError {
  return new StackConfigError(`${what} is not supported by the local EventBridge stand-in`, { what });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
