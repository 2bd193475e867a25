/**
 * The EventBridge API operations the stand-in serves: PutEvents, DescribeRule and ListRules. Each parses
 * its request (AWS's member names; timestamps arrive as epoch seconds), calls the stand-in and returns
 * AWS's response members.
 */
import { z } from 'zod';
import type { EventRule } from '../config/event-rules.ts';
import { DEFAULT_EVENT_BUS } from '../config/event-rules.ts';
import { EventBridgeApiError } from './errors.ts';
import type { EventBridgeStandIn } from './event-bridge.ts';

const DEFAULT_PAGE_SIZE = 100;

const busName = z.string().min(1).max(1600).optional();

const requests = {
  PutEvents: z.object({
    Entries: z.array(
      z.object({
        Time: z.number().optional(),
        Source: z.string().optional(),
        Resources: z.array(z.string()).optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        EventBusName: busName,
        TraceHeader: z.string().optional(),
      }),
    ),
    EndpointId: z.string().optional(),
  }),
  DescribeRule: z.object({ Name: z.string().min(1).max(64), EventBusName: busName }),
  ListRules: z.object({
    NamePrefix: z.string().min(1).max(64).optional(),
    EventBusName: busName,
    NextToken: z.string().min(1).max(2048).optional(),
    Limit: z.int().min(1).max(100).optional(),
  }),
} as const;

export type OperationName = keyof typeof requests;

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(requests, name);
}

export function runOperation(standIn: EventBridgeStandIn, operation: OperationName, body: unknown): unknown {
  const parsed = requests[operation].safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`,
    );
    throw new EventBridgeApiError(
      'ValidationException',
      `${issues.length} validation error(s) detected: ${issues.join('; ')}`,
    );
  }
  switch (operation) {
    case 'PutEvents': {
      const { Entries } = parsed.data as z.infer<typeof requests.PutEvents>;
      return standIn.putEvents(
        Entries.map(({ Time, ...entry }) => ({
          ...entry,
          ...(Time === undefined ? {} : { Time: new Date(Time * 1000) }),
        })),
      );
    }
    case 'DescribeRule': {
      const { Name, EventBusName } = parsed.data as z.infer<typeof requests.DescribeRule>;
      const bus = checkedBus(standIn, EventBusName);
      const rule = standIn.rules().find((candidate) => candidate.name === Name && candidate.eventBus === bus);
      if (!rule) {
        throw new EventBridgeApiError(
          'ResourceNotFoundException',
          `Rule ${Name} does not exist on EventBus ${bus}.`,
        );
      }
      return { ...ruleView(rule), CreatedBy: rule.arn.split(':')[4] };
    }
    case 'ListRules': {
      const { NamePrefix, EventBusName, NextToken, Limit } = parsed.data as z.infer<
        typeof requests.ListRules
      >;
      const bus = checkedBus(standIn, EventBusName);
      const rules = standIn
        .rules()
        .filter((rule) => rule.eventBus === bus && rule.name.startsWith(NamePrefix ?? ''))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const offset = NextToken === undefined ? 0 : decodeToken(NextToken);
      const end = offset + (Limit ?? DEFAULT_PAGE_SIZE);
      return {
        Rules: rules.slice(offset, end).map(ruleView),
        ...(end < rules.length ? { NextToken: encodeToken(end) } : {}),
      };
    }
  }
}

function checkedBus(standIn: EventBridgeStandIn, nameOrArn: string | undefined): string {
  const bus = nameOrArn ?? DEFAULT_EVENT_BUS;
  if (!standIn.hasBus(bus)) {
    throw new EventBridgeApiError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
  }
  return bus.startsWith('arn:') ? bus.slice(bus.indexOf('/') + 1) : bus;
}

/** A rule as DescribeRule and ListRules show it. */
function ruleView(rule: EventRule) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.pattern === undefined ? {} : { EventPattern: JSON.stringify(rule.pattern) }),
    ...(rule.schedule === undefined ? {} : { ScheduleExpression: rule.schedule }),
    State: rule.enabled ? 'ENABLED' : 'DISABLED',
    ...(rule.description === undefined ? {} : { Description: rule.description }),
    EventBusName: rule.eventBus,
  };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error
  }
  throw new EventBridgeApiError('ValidationException', `Invalid NextToken: '${token}'`);
}
