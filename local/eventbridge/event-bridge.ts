/**
 * The local EventBridge: the stack's rules (from serverless.yml) over the shared clock. PutEvents and
 * AWS-sourced events (CloudWatch alarm changes) are matched against the enabled pattern rules of their
 * bus; schedule rules fire on the clock. Each match is delivered to the rule's function like EventBridge's
 * asynchronous Lambda invoke: on failure two more attempts after a delay, then a log line — a delivery
 * never throws into its caller. Deliveries are tracked, so tests and the stack can wait for quiet.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalClock } from '../clock.ts';
import type { EventRule } from '../config/event-rules.ts';
import { DEFAULT_EVENT_BUS } from '../config/event-rules.ts';
import { EventBridgeApiError } from './errors.ts';
import { parseInputPath, selectInputPath } from './input-path.ts';
import type { EventPredicate } from './pattern.ts';
import { compilePattern } from './pattern.ts';
import type { Schedule } from './schedule.ts';
import { parseSchedule } from './schedule.ts';

/** An event as EventBridge delivers it. */
export interface EventEnvelope {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 to the second: `2024-05-01T12:00:00Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

/** One PutEvents entry, AWS's member names. */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  /** JSON text of an object. */
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  /** Name or ARN; default `default`. */
  readonly EventBusName?: string;
  readonly Time?: Date;
  readonly TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export interface EventDeliveryReport {
  readonly rule: string;
  readonly functionKey: string;
  readonly eventId: string;
  readonly attempts: number;
  readonly ok: boolean;
  /** `<name>: <message>` of the last failed attempt. */
  readonly error?: string;
}

export interface EventBridgeStandInOptions {
  readonly region: string;
  readonly accountId: string;
  readonly clock: LocalClock;
  readonly rules: readonly EventRule[];
  /** Runs the rule's function with the event (the stack passes the Lambda invoker). */
  readonly deliver: (functionKey: string, event: unknown) => Promise<unknown>;
  /** Real-time waits before the 2nd and 3rd attempts. AWS waits about 1 and 2 minutes; default 1 s and 2 s. */
  readonly retryDelaysMs?: readonly number[];
  /** How many events recent() keeps (default 200). */
  readonly recentLimit?: number;
  readonly log?: (line: string) => void;
}

interface CompiledRule {
  readonly rule: EventRule;
  readonly matches?: EventPredicate;
  readonly schedule?: Schedule;
}

const MAX_ENTRIES = 10;
/** PutEvents' limit on the summed entry sizes (AWS counts Time as 14 bytes). */
const MAX_REQUEST_BYTES = 256 * 1024;
const DEFAULT_RECENT_LIMIT = 200;

/** `2024-05-01T12:00:00Z`: EventBridge's event time has no milliseconds. */
export function eventTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export class EventBridgeStandIn {
  private readonly compiled: CompiledRule[];
  private readonly buses: Set<string>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly seen: EventEnvelope[] = [];
  private readonly reports: EventDeliveryReport[] = [];
  private readonly cancelTimers: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private started = false;

  constructor(private readonly options: EventBridgeStandInOptions) {
    this.compiled = options.rules.map((rule) => {
      if (rule.inputPath !== undefined) parseInputPath(rule.inputPath);
      return {
        rule,
        ...(rule.pattern === undefined ? {} : { matches: compilePattern(rule.pattern) }),
        ...(rule.schedule === undefined ? {} : { schedule: parseSchedule(rule.schedule) }),
      };
    });
    this.buses = new Set([DEFAULT_EVENT_BUS, ...options.rules.map((rule) => rule.eventBus)]);
  }

  /** The rules, as configured. */
  rules(): readonly EventRule[] {
    return this.options.rules;
  }

  /** Whether the bus (name or ARN) exists: `default` and every bus a rule is on. */
  hasBus(nameOrArn: string): boolean {
    return this.buses.has(busNameOf(nameOrArn));
  }

  /**
   * PutEvents as AWS answers it: a request-level ValidationException for 0 or more than 10 entries or an
   * oversized request, else one result per entry in order — an EventId, or an ErrorCode for that entry.
   */
  putEvents(entries: readonly PutEventsEntry[]): PutEventsResult {
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new EventBridgeApiError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
        { entries: entries.length },
      );
    }
    const bytes = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
    if (bytes > MAX_REQUEST_BYTES) {
      throw new EventBridgeApiError(
        'ValidationException',
        `Total size of the entries in the request is over the limit (${bytes} > ${MAX_REQUEST_BYTES} bytes)`,
        { bytes },
      );
    }
    const results = entries.map((entry) => this.putEntry(entry));
    return {
      FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length,
      Entries: results,
    };
  }

  /** An event from an AWS service (e.g. a CloudWatch alarm state change), on the default bus. */
  publish(event: EventEnvelope): void {
    this.route(event, DEFAULT_EVENT_BUS);
  }

  /** Arms the enabled schedule rules on the clock: each fires at its next time after now, then on. */
  start(): void {
    if (this.started || this.stopping.signal.aborted) return;
    this.started = true;
    for (const { rule, schedule } of this.compiled) {
      if (schedule !== undefined && rule.enabled) this.arm(rule, schedule, this.options.clock.now());
    }
  }

  /** The last events seen (put, published or scheduled), newest last. */
  recent(limit?: number): EventEnvelope[] {
    return limit === undefined ? [...this.seen] : this.seen.slice(Math.max(0, this.seen.length - limit));
  }

  /** What happened to each finished delivery, oldest first. */
  deliveries(): readonly EventDeliveryReport[] {
    return [...this.reports];
  }

  /** Deliveries started and not yet finished. */
  pending(): number {
    return this.inFlight.size;
  }

  /** Resolves once no delivery is in flight (retries included). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Disarms the schedules, cancels pending retries, stops taking events; resolves when attempts end. */
  async close(): Promise<void> {
    this.stopping.abort();
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    await this.drain();
  }

  private putEntry(entry: PutEventsEntry): PutEventsResultEntry {
    const missing = (['Source', 'DetailType', 'Detail'] as const).find(
      (member) => entry[member] === undefined || entry[member] === '',
    );
    if (missing !== undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${missing} is not valid. Reason: ${missing} is a required argument.`,
      };
    }
    const source = entry.Source as string;
    if (source.startsWith('aws.')) {
      // Only AWS services may send `aws.*` events (they reach the stand-in through publish()).
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    const detail = parseDetail(entry.Detail as string);
    if (detail === undefined) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const bus = busNameOf(entry.EventBusName ?? DEFAULT_EVENT_BUS);
    if (!this.buses.has(bus)) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Event bus ${bus} does not exist.` };
    }
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source,
      account: this.options.accountId,
      time: eventTime(entry.Time?.getTime() ?? this.options.clock.now()),
      region: this.options.region,
      resources: [...(entry.Resources ?? [])],
      detail,
    };
    this.route(event, bus);
    return { EventId: event.id };
  }

  private route(event: EventEnvelope, bus: string): void {
    if (this.stopping.signal.aborted) return;
    this.remember(event);
    for (const { rule, matches } of this.compiled) {
      if (!rule.enabled || matches === undefined || rule.eventBus !== bus || !matches(event)) continue;
      this.track(this.deliver(rule, event));
    }
  }

  private arm(rule: EventRule, schedule: Schedule, afterMs: number): void {
    const atMs = schedule.next(afterMs);
    if (atMs === undefined) {
      this.log(`eventbridge rule ${rule.name}: ${rule.schedule} has no further fire time`);
      return;
    }
    const cancel = this.options.clock.at(atMs, () => {
      const index = this.cancelTimers.indexOf(cancel);
      if (index >= 0) this.cancelTimers.splice(index, 1);
      if (this.stopping.signal.aborted) return;
      this.arm(rule, schedule, atMs);
      // Returned so a test's clock.advance() waits for the delivery before the next tick.
      return this.fire(rule, atMs);
    });
    this.cancelTimers.push(cancel);
  }

  private fire(rule: EventRule, atMs: number): Promise<void> {
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.options.accountId,
      time: eventTime(atMs),
      region: this.options.region,
      resources: [rule.arn],
      detail: {},
    };
    this.remember(event);
    const delivery = this.deliver(rule, event);
    this.track(delivery);
    return delivery;
  }

  /** The rule's target input: its constant input, else its InputPath's part of the event, else the event. */
  private payload(rule: EventRule, event: EventEnvelope): unknown {
    if (rule.input !== undefined) return rule.input;
    if (rule.inputPath !== undefined) return selectInputPath(rule.inputPath, event);
    return event;
  }

  private async deliver(rule: EventRule, event: EventEnvelope): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [1000, 2000];
    const where = `eventbridge rule ${rule.name} (${event.source} ${event['detail-type']} ${event.id}) → ${rule.functionKey}`;
    let error = '';
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      try {
        await this.options.deliver(rule.functionKey, this.payload(rule, event));
        this.report(rule, event, attempt, true);
        return;
      } catch (failure) {
        error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
      }
      const delay = delays[attempt - 1];
      if (delay === undefined) break;
      this.log(`${where}: attempt ${attempt} failed (${error}); retrying in ${delay} ms`);
      try {
        await sleep(delay, undefined, { signal: this.stopping.signal });
      } catch {
        this.report(rule, event, attempt, false, `${error} (retry cancelled: the stand-in closed)`);
        return;
      }
    }
    this.log(`${where}: gave up after ${delays.length + 1} attempts (${error})`);
    this.report(rule, event, delays.length + 1, false, error);
  }

  private report(rule: EventRule, event: EventEnvelope, attempts: number, ok: boolean, error?: string): void {
    this.reports.push({
      rule: rule.name,
      functionKey: rule.functionKey,
      eventId: event.id,
      attempts,
      ok,
      ...(error === undefined ? {} : { error }),
    });
  }

  private remember(event: EventEnvelope): void {
    this.seen.push(event);
    const limit = this.options.recentLimit ?? DEFAULT_RECENT_LIMIT;
    if (this.seen.length > limit) this.seen.splice(0, this.seen.length - limit);
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    const forget = () => void this.inFlight.delete(delivery);
    delivery.then(forget, forget);
  }

  /** A failing log sink must not turn a delivery into a crash. */
  private log(line: string): void {
    try {
      this.options.log?.(line);
    } catch {
      // nothing sensible left to tell
    }
  }
}

/** `default`, `my-bus` or `arn:aws:events:<region>:<account>:event-bus/my-bus` → the bus name. */
function busNameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf('/') + 1) : nameOrArn;
}

/** The Detail's object, or undefined when it is not JSON text of an object. */
function parseDetail(text: string): Readonly<Record<string, unknown>> | undefined {
  try {
    const detail: unknown = JSON.parse(text);
    return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
      ? (detail as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** AWS's entry size: Time as 14 bytes plus the UTF-8 bytes of Source, DetailType, Detail and Resources. */
function entrySize(entry: PutEventsEntry): number {
  const text = [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])];
  return (
    (entry.Time === undefined ? 0 : 14) +
    text.reduce((sum, part) => sum + (part === undefined ? 0 : Buffer.byteLength(part)), 0)
  );
}
