/**
 * The Lambda authorizers of the HTTP API, as API Gateway runs them: a request without an identity source
 * value is refused (401) without calling the function; otherwise the function gets the REQUEST event and
 * its answer — `{isAuthorized, context}` for simple responses, else an IAM policy — is cached per
 * identity source values for resultTtlInSeconds and checked against each request's route ARN.
 */
import type { HttpAuthorizerConfig } from '../config/http-api.ts';
import type { ApiIdentity, RequestContext } from './event.ts';
import { authorizerEvent, routeArn } from './event.ts';
import type { RequestView } from './request.ts';
import type { RouteMatch } from './routes.ts';

export type Verdict =
  | { readonly allowed: true; readonly context: unknown }
  | { readonly allowed: false; readonly status: 401 | 403 | 500 };

export interface AuthorizersOptions {
  readonly authorizers: Readonly<Record<string, HttpAuthorizerConfig>>;
  readonly invoke: (functionKey: string, event: unknown) => Promise<unknown>;
  readonly api: ApiIdentity;
  /** An authorizer that failed or answered something API Gateway cannot read (the client sees a 500). */
  readonly onError?: (authorizer: string, problem: unknown) => void;
  /** Default Date.now. */
  readonly now?: () => number;
}

/** Entries kept at most; the oldest go first (API Gateway's cache is bounded too). */
const MAX_CACHED = 10_000;

interface Cached {
  readonly expiresAt: number;
  readonly answer: unknown;
}

const UNAUTHORIZED: Verdict = { allowed: false, status: 401 };
const FORBIDDEN: Verdict = { allowed: false, status: 403 };
const FAILED: Verdict = { allowed: false, status: 500 };

export class Authorizers {
  private readonly cache = new Map<string, Cached>();
  /** Answers being fetched, so a burst of requests with one key invokes the authorizer once. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly options: AuthorizersOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Synchronous on a cache hit: most requests need no promise here. */
  authorize(
    name: string,
    view: RequestView,
    match: RouteMatch,
    context: RequestContext,
  ): Verdict | Promise<Verdict> {
    const authorizer = this.options.authorizers[name];
    const identity: string[] = [];
    for (const source of authorizer.identitySources) {
      const value =
        source.from === 'header' ? view.headers[source.name] : view.queryStringParameters?.[source.name];
      if (value === undefined || value === '') return UNAUTHORIZED;
      identity.push(value);
    }
    const arn = routeArn(this.options.api, view.method, view.rawPath);
    const key = authorizer.resultTtlSeconds === 0 ? undefined : cacheKey(authorizer, identity);
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached !== undefined && cached.expiresAt > this.now())
      return this.verdictOf(name, authorizer, cached.answer, arn);
    return this.fetchVerdict(name, authorizer, key, arn, () =>
      this.options.invoke(authorizer.functionKey, authorizerEvent(view, match, context, identity, arn)),
    );
  }

  private async fetchVerdict(
    name: string,
    authorizer: HttpAuthorizerConfig,
    key: string | undefined,
    arn: string,
    invoke: () => Promise<unknown>,
  ): Promise<Verdict> {
    let answer: unknown;
    try {
      answer = key === undefined ? await invoke() : await this.fetchShared(authorizer, key, invoke);
    } catch (error) {
      this.options.onError?.(name, error);
      return FAILED;
    }
    return this.verdictOf(name, authorizer, answer, arn);
  }

  private verdictOf(name: string, authorizer: HttpAuthorizerConfig, answer: unknown, arn: string): Verdict {
    const verdict = authorizer.simpleResponses ? simpleVerdict(answer) : policyVerdict(answer, arn);
    if (verdict === undefined) {
      this.options.onError?.(name, new TypeError(`unreadable authorizer answer: ${JSON.stringify(answer)}`));
      return FAILED;
    }
    return verdict;
  }

  /** One invocation per identity at a time; its answer cached for the authorizer's TTL. */
  private async fetchShared(
    authorizer: HttpAuthorizerConfig,
    key: string,
    invoke: () => Promise<unknown>,
  ): Promise<unknown> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const fetching = invoke();
    this.inFlight.set(key, fetching);
    try {
      const answer = await fetching;
      this.cache.delete(key); // re-inserted last: the Map's order is the eviction order
      this.cache.set(key, { expiresAt: this.now() + authorizer.resultTtlSeconds * 1000, answer });
      if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      return answer;
    } finally {
      this.inFlight.delete(key);
    }
  }
}

function cacheKey(authorizer: HttpAuthorizerConfig, identity: readonly string[]): string {
  return `${authorizer.name}\u0000${identity.join('\u0000')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function simpleVerdict(answer: unknown): Verdict | undefined {
  if (!isRecord(answer) || typeof answer.isAuthorized !== 'boolean') return undefined;
  return answer.isAuthorized ? { allowed: true, context: answer.context ?? null } : FORBIDDEN;
}

/** An explicit Deny wins; otherwise some Allow of execute-api:Invoke must cover the route ARN. */
function policyVerdict(answer: unknown, arn: string): Verdict | undefined {
  if (!isRecord(answer) || !isRecord(answer.policyDocument)) return undefined;
  const statements = answer.policyDocument.Statement;
  if (!Array.isArray(statements)) return undefined;
  let allowed = false;
  for (const statement of statements) {
    if (!isRecord(statement)) return undefined;
    const covers =
      list(statement.Action).some((action) => globMatches(action, 'execute-api:Invoke', 'i')) &&
      list(statement.Resource).some((resource) => globMatches(resource, arn, ''));
    if (!covers) continue;
    if (statement.Effect === 'Deny') return FORBIDDEN;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? { allowed: true, context: answer.context ?? null } : FORBIDDEN;
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** IAM wildcards: `*` any run of characters, `?` one character; actions ignore case, resources do not. */
function globMatches(pattern: string, value: string, flags: 'i' | ''): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, flags).test(value);
}
