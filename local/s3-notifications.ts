/**
 * S3 event notifications for the local stack. s3rver reports every object event raw (see
 * local/services/s3.ts); this turns each into the record AWS would send — key URL-encoded, this region,
 * a sequencer that grows, the subscription's configurationId — routes it to the functions whose s3
 * events match (bucket, event type, prefix/suffix rules from serverless.yml), and delivers it like
 * Lambda's asynchronous invoke: on failure two more attempts after a delay, then a log line. Delivery is
 * at least once on AWS, so tests can deliver one event several times.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FunctionConfig, S3Subscription } from './config/stack-config.ts';
import type { S3EventRecordLike } from './services/s3.ts';

/** A record as S3 sends it to a subscriber: s3rver's record with the key URL-encoded, any event name. */
export type S3NotificationRecord = Omit<S3EventRecordLike, 'eventName'> & { readonly eventName: string };

/** The event a subscribed function receives: one record, as S3 sends them. */
export interface S3Notification {
  readonly Records: readonly [S3NotificationRecord];
}

export interface DeliveryReport {
  readonly functionKey: string;
  readonly bucket: string;
  /** The raw object key. */
  readonly key: string;
  readonly eventName: string;
  readonly attempts: number;
  readonly ok: boolean;
  /** `<errorType>: <message>` of the last failed attempt. */
  readonly error?: string;
}

export interface S3NotificationsOptions {
  readonly functions: readonly Pick<FunctionConfig, 'key' | 'name' | 's3Events'>[];
  readonly region: string;
  /** Runs the function (the stack passes the Lambda invoker). */
  readonly invoke: (functionKey: string, event: S3Notification) => Promise<unknown>;
  /** Waits before the 2nd and 3rd attempts. AWS waits about 1 and 2 minutes; default here 1 s and 2 s. */
  readonly retryDelaysMs?: readonly number[];
  readonly log?: (line: string) => void;
}

interface Target {
  readonly functionKey: string;
  readonly configurationId: string;
  readonly subscription: S3Subscription;
}

/**
 * An S3 event key as AWS writes it: form-encoded like Java's URLEncoder (which S3 uses: spaces become
 * '+', everything but letters, digits and `-_.*` is %-encoded as UTF-8), '/' kept as is.
 */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}

/**
 * Whether a subscription wants an event. Rules compare against the encoded key, as S3 does (AWS asks for
 * special characters in filter values to be written URL-encoded).
 */
export function matchesSubscription(
  subscription: S3Subscription,
  bucket: string,
  eventName: string,
  encodedKey: string,
): boolean {
  if (subscription.bucket !== bucket) return false;
  const wanted = subscription.event.replace(/^s3:/, '');
  const eventMatches = wanted.endsWith(':*')
    ? eventName.startsWith(wanted.slice(0, -1))
    : eventName === wanted;
  return (
    eventMatches &&
    encodedKey.startsWith(subscription.prefix ?? '') &&
    encodedKey.endsWith(subscription.suffix ?? '')
  );
}

export class S3Notifications {
  /** How many times each event from s3rver is delivered (>1 to test at-least-once handling). */
  deliveriesPerEvent = 1;
  private readonly targets: Target[];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly reports: DeliveryReport[] = [];
  private readonly stopping = new AbortController();
  private sequence = 0;

  constructor(private readonly options: S3NotificationsOptions) {
    this.targets = options.functions.flatMap((fn) =>
      fn.s3Events.map((subscription, index) => ({
        functionKey: fn.key,
        configurationId: `${fn.name}-s3-${index + 1}`,
        subscription,
      })),
    );
  }

  /** Pass this to startS3's onEvent. */
  readonly onS3Event = (record: S3EventRecordLike): void => {
    this.publish(record, { times: this.deliveriesPerEvent });
  };

  /** Routes one object event to its subscribers, each getting it `times` times; returns the deliveries started. */
  publish(record: S3EventRecordLike, options: { times?: number } = {}): number {
    if (this.stopping.signal.aborted) return 0;
    const encodedKey = encodeS3EventKey(record.s3.object.key);
    const sequencer = this.nextSequencer();
    let started = 0;
    for (const target of this.targets) {
      if (!matchesSubscription(target.subscription, record.s3.bucket.name, record.eventName, encodedKey))
        continue;
      const notification = this.toNotification(record, target, encodedKey, sequencer);
      for (let copy = 0; copy < (options.times ?? 1); copy++) {
        this.track(this.deliver(target.functionKey, record, notification));
        started++;
      }
    }
    return started;
  }

  /** Resolves once every delivery started so far has succeeded or given up (retries included). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Deliveries started and not yet finished. */
  pending(): number {
    return this.inFlight.size;
  }

  /** What happened to each finished delivery, oldest first. */
  deliveries(): readonly DeliveryReport[] {
    return [...this.reports];
  }

  /** Stops accepting events and cancels pending retries at once; resolves when in-flight attempts end. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.drain();
  }

  private toNotification(
    record: S3EventRecordLike,
    target: Target,
    encodedKey: string,
    sequencer: string,
  ): S3Notification {
    const { object, bucket } = record.s3;
    return {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: this.options.region,
          eventTime: record.eventTime,
          eventName: record.eventName,
          userIdentity: record.userIdentity,
          requestParameters: record.requestParameters,
          responseElements: record.responseElements,
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: target.configurationId,
            bucket: {
              name: bucket.name,
              ownerIdentity: bucket.ownerIdentity,
              arn: `arn:aws:s3:::${bucket.name}`,
            },
            object: {
              key: encodedKey,
              ...(object.size === undefined ? {} : { size: object.size }),
              ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
              ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
              sequencer,
            },
          },
        },
      ],
    };
  }

  private async deliver(
    functionKey: string,
    record: S3EventRecordLike,
    notification: S3Notification,
  ): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [1000, 2000];
    const where = `${record.eventName} s3://${record.s3.bucket.name}/${record.s3.object.key} → ${functionKey}`;
    let error = '';
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      try {
        await this.options.invoke(functionKey, notification);
        this.report(functionKey, record, attempt, true);
        return;
      } catch (failure) {
        error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
      }
      const delay = delays[attempt - 1];
      if (delay === undefined) break;
      this.options.log?.(
        `s3 notification ${where}: attempt ${attempt} failed (${error}); retrying in ${delay} ms`,
      );
      try {
        await sleep(delay, undefined, { signal: this.stopping.signal });
      } catch {
        this.report(
          functionKey,
          record,
          attempt,
          false,
          `${error} (retry cancelled: the local stack stopped)`,
        );
        return;
      }
    }
    this.options.log?.(`s3 notification ${where}: gave up after ${delays.length + 1} attempts (${error})`);
    this.report(functionKey, record, delays.length + 1, false, error);
  }

  private report(
    functionKey: string,
    record: S3EventRecordLike,
    attempts: number,
    ok: boolean,
    error?: string,
  ): void {
    this.reports.push({
      functionKey,
      bucket: record.s3.bucket.name,
      key: record.s3.object.key,
      eventName: record.eventName,
      attempts,
      ok,
      ...(error === undefined ? {} : { error }),
    });
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    const forget = () => void this.inFlight.delete(delivery);
    delivery.then(forget, forget);
  }

  /** Hex, growing with every event (s3rver's is the millisecond, which repeats). */
  private nextSequencer(): string {
    const ms = Date.now().toString(16).padStart(12, '0');
    const count = (this.sequence++ % 0x10000).toString(16).padStart(4, '0');
    return `00${ms}${count}`.toUpperCase();
  }
}
