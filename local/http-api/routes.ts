/**
 * API Gateway HTTP API route selection: the most specific route wins — a literal segment beats a
 * `{variable}`, which beats a greedy `{proxy+}`, compared from the left; then an exact method beats `ANY`;
 * the `$default` route catches what nothing else matches.
 */
import type { HttpRouteConfig } from '../config/http-api.ts';

export interface RouteMatch {
  readonly route: HttpRouteConfig;
  /** Decoded values; undefined when the route has no variables (the event then has no pathParameters). */
  readonly pathParameters: Record<string, string> | undefined;
}

type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

interface CompiledRoute {
  readonly route: HttpRouteConfig;
  readonly segments: readonly Segment[];
  readonly anyMethod: boolean;
}

/** Higher is more specific. */
const RANK = { literal: 2, variable: 1, greedy: 0 } as const;

export class RouteTable {
  /** Routes without variables, by `METHOD path`: most requests are answered by one map lookup. */
  private readonly literal = new Map<string, HttpRouteConfig>();
  private readonly compiled: CompiledRoute[] = [];
  private readonly fallback: HttpRouteConfig | undefined;

  constructor(routes: readonly HttpRouteConfig[]) {
    this.fallback = routes.find((route) => route.routeKey === '$default');
    for (const route of routes) {
      if (route === this.fallback) continue;
      const segments = route.path.split('/').slice(1).map(compileSegment);
      this.compiled.push({ route, segments, anyMethod: route.method === 'ANY' });
      if (route.method !== 'ANY' && segments.every((segment) => segment.kind === 'literal')) {
        this.literal.set(`${route.method} ${route.path}`, route);
      }
    }
  }

  get size(): number {
    return this.compiled.length + (this.fallback ? 1 : 0);
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const exact = this.literal.get(`${method} ${rawPath}`);
    if (exact) return { route: exact, pathParameters: undefined };
    const parts = rawPath.split('/').slice(1);
    let best: CompiledRoute | undefined;
    for (const candidate of this.compiled) {
      if (!candidate.anyMethod && candidate.route.method !== method) continue;
      if (!matches(candidate.segments, parts)) continue;
      if (!best || moreSpecific(candidate, best)) best = candidate;
    }
    if (!best) return this.fallback && { route: this.fallback, pathParameters: undefined };
    return { route: best.route, pathParameters: parameters(best.segments, parts) };
  }
}

function compileSegment(text: string): Segment {
  const variable = /^\{([^{}]+)\}$/.exec(text);
  if (!variable) return { kind: 'literal', value: text };
  const name = variable[1];
  return name.endsWith('+') ? { kind: 'greedy', name: name.slice(0, -1) } : { kind: 'variable', name };
}

function matches(segments: readonly Segment[], parts: readonly string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    // A greedy variable is last (checked when the config is read) and takes one or more segments.
    if (segment.kind === 'greedy') return parts.length > i && parts.slice(i).join('/') !== '';
    const part = parts[i];
    if (part === undefined) return false;
    if (segment.kind === 'literal' ? part !== segment.value : part === '') return false;
  }
  return parts.length === segments.length;
}

function moreSpecific(a: CompiledRoute, b: CompiledRoute): boolean {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    // Past its end, a route has matched with a greedy variable that took the rest: least specific.
    const rankA = a.segments[i] ? RANK[a.segments[i].kind] : -1;
    const rankB = b.segments[i] ? RANK[b.segments[i].kind] : -1;
    if (rankA !== rankB) return rankA > rankB;
  }
  return !a.anyMethod && b.anyMethod;
}

function parameters(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  let found: Record<string, string> | undefined;
  segments.forEach((segment, i) => {
    if (segment.kind === 'literal') return;
    found ??= {};
    found[segment.name] = decode(segment.kind === 'greedy' ? parts.slice(i).join('/') : parts[i]);
  });
  return found;
}

function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a malformed escape is passed on as sent
  }
}
