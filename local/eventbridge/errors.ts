/**
 * Errors of the local EventBridge stand-in: a pattern or schedule expression EventBridge would refuse,
 * and the API errors it answers with (AWS's `__type` and message).
 */
import { SynergyError } from '../../layers/core/errors.ts';

/** An event pattern EventBridge would refuse (InvalidEventPatternException); the message names the field. */
export class EventPatternError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'EventPatternError';
  }
}

/** A `rate(…)` or `cron(…)` expression EventBridge would refuse (or croner cannot evaluate). */
export class ScheduleExpressionError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ScheduleExpressionError';
  }
}

/** A request the EventBridge API refuses; `type` is AWS's error code (ValidationException…). */
export class EventBridgeApiError extends SynergyError {
  readonly type: string;
  constructor(
    type: string,
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.name = 'EventBridgeApiError';
    this.type = type;
  }
}
