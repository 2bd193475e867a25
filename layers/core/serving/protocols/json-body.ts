/**
 * The request-envelope checks the protocols share: content type, a body that is a JSON object, and
 * reading its keys without ever touching inherited properties (`constructor`, `__proto__`).
 */
import { quoteValue } from '../../../ml/data/messages.ts';
import { ServingRequestError } from '../errors.ts';
import { describeValue } from '../signature-validator.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

export interface MediaType {
  /** Lower-case `type/subtype`, '' when the header is absent or blank. */
  readonly type: string;
  /** Lower-case charset parameter, if any. */
  readonly charset: string | undefined;
}

export function parseMediaType(contentType: string | undefined): MediaType {
  if (contentType === undefined) return { type: '', charset: undefined };
  const [type, ...parameters] = contentType.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq < 0 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** Bodies reach us decoded as UTF-8 text, so that is the only charset a client may declare. */
const UTF8_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii']);

export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export function unsupportedMediaType(contentType: string | undefined, accepted: string): ServingRequestError {
  const given = contentType === undefined || contentType.trim() === '' ? 'none' : quoteValue(contentType);
  return new ServingRequestError(415, `content-type: ${given} is not supported; send ${accepted}`, {
    field: 'content-type',
  });
}

/** Refuses a charset other than UTF-8 (415). */
export function checkCharset(media: MediaType, contentType: string | undefined, accepted: string): void {
  if (media.charset !== undefined && !UTF8_CHARSETS.has(media.charset)) {
    throw unsupportedMediaType(contentType, `${accepted} (UTF-8)`);
  }
}

export function badRequest(field: string, reason: string): ServingRequestError {
  return new ServingRequestError(400, `${field}: ${reason}`, { field });
}

/**
 * Deepest nesting a body may have. The protocols need 5 levels (`{"inputs":[{"data":[[…]]}]}`); V8's
 * JSON.parse does not overflow on deep nesting, but it is slow there: 6 MB of `[` takes seconds.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** True when brackets outside strings nest deeper than `max`. A linear scan, no allocation. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: to the next quote not escaped by a backslash.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/**
 * The body as a JSON object. Never lets JSON.parse's own message through: V8 quotes the body in it.
 * Nesting is bounded before parsing (MAX_JSON_DEPTH); nothing here walks the parsed tree.
 */
export function parseJsonObject(body: string | undefined): JsonObject {
  if (body === undefined || body.trim() === '') throw badRequest('body', 'the request has no body');
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw badRequest('body', `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const position = error instanceof Error ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position === undefined ? '' : ` (at character ${position})`;
    throw badRequest('body', `the body is not valid JSON${where}`);
  }
  if (!isJsonObject(parsed)) throw badRequest('body', `expected a JSON object, got ${describeValue(parsed)}`);
  return parsed;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: `own({}, 'constructor')` is undefined. */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Refuses any own key not in `allowed`, naming it under `where` (`` for the body's top level). */
export function refuseUnknownKeys(object: JsonObject, allowed: ReadonlySet<string>, where: string): void {
  for (const key in object) {
    if (!Object.hasOwn(object, key) || allowed.has(key)) continue;
    const field = where === '' ? key : `${where}.${key}`;
    throw badRequest(field.length > 80 ? `${field.slice(0, 80)}…` : field, `unknown key ${quoteValue(key)}`);
  }
}

/**
 * The body of a JSON-only protocol (native, V2): no content type is accepted too (a hand-written curl often
 * sends none), and top-level keys other than `keys` are refused.
 */
export function parseJsonRequest(
  body: string | undefined,
  contentType: string | undefined,
  keys: ReadonlySet<string>,
): JsonObject {
  const accepted = 'application/json';
  const media = parseMediaType(contentType);
  if (media.type !== '' && !isJsonMediaType(media.type)) throw unsupportedMediaType(contentType, accepted);
  checkCharset(media, contentType, accepted);
  const json = parseJsonObject(body);
  refuseUnknownKeys(json, keys, '');
  return json;
}
