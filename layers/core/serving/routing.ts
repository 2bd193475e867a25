/**
 * Which version answers a request: a version named in the path, else `?alias=`, else the model's routing
 * (canary weights drawn per request), else the champion; and which version, if any, scores it in shadow.
 */
import type { AliasName, ModelVersionRecord, RoutingRecord } from '../pipeline/records.ts';
import type { AliasResolver } from './alias-resolver.ts';
import { ServingRequestError } from './errors.ts';
import type { HttpRequest } from './http.ts';

/** What the request itself asked for. */
export type Selector =
  | { readonly kind: 'version'; readonly version: number }
  | { readonly kind: 'alias'; readonly alias: AliasName }
  /** Neither: the model's routing decides (and a shadow may score the request too). */
  | { readonly kind: 'routed' };

export interface Target {
  readonly record: ModelVersionRecord;
  /** The alias the request went through; undefined when it named a version. */
  readonly alias: AliasName | undefined;
}

/** In the order the canary draw walks them; whatever the weights leave over goes to the champion. */
const ALIASES: readonly AliasName[] = ['champion', 'challenger'];

function isAliasName(value: string): value is AliasName {
  return (ALIASES as readonly string[]).includes(value);
}

/** A positive integer as a path segment, without signs, exponents or leading zeros. */
const VERSION_PATTERN = /^[1-9][0-9]{0,14}$/;

export function selectorOf(request: Pick<HttpRequest, 'pathParameters' | 'query'>): Selector {
  const version = Object.hasOwn(request.pathParameters, 'version')
    ? request.pathParameters.version
    : undefined;
  if (version !== undefined) {
    if (!VERSION_PATTERN.test(version)) {
      throw new ServingRequestError(400, 'version: must be a positive integer', { field: 'version' });
    }
    return { kind: 'version', version: Number(version) };
  }
  const alias = Object.hasOwn(request.query, 'alias') ? request.query.alias : undefined;
  if (alias === undefined) return { kind: 'routed' };
  if (!isAliasName(alias)) {
    throw new ServingRequestError(400, `alias: must be one of ${ALIASES.join(', ')}`, { field: 'alias' });
  }
  return { kind: 'alias', alias };
}

/** The weighted draw: weights are percentages; `random()` is uniform in [0, 1). */
export function drawAlias(
  routing: Pick<RoutingRecord, 'weights'> | undefined,
  random: () => number,
): AliasName {
  if (routing === undefined) return 'champion';
  const point = random() * 100;
  let upTo = 0;
  for (const alias of ALIASES) {
    const weight = routing.weights[alias] ?? 0;
    if (!(weight > 0)) continue;
    upTo += weight;
    if (point < upTo) return alias;
  }
  return 'champion';
}

/** The version that answers the request. 404 when what it names (or the champion) does not exist. */
export async function resolveTarget(
  resolver: AliasResolver,
  modelName: string,
  selector: Selector,
  random: () => number,
): Promise<Target> {
  if (selector.kind === 'version') {
    return { record: await resolver.resolveVersion(modelName, selector.version), alias: undefined };
  }
  if (selector.kind === 'alias') {
    return { record: await resolver.resolveAlias(modelName, selector.alias), alias: selector.alias };
  }
  const routing = await resolver.routing(modelName);
  const drawn = drawAlias(routing, random);
  // A canary toward an alias that is not set (a challenger not yet registered) sends its share to the champion.
  const alias =
    drawn !== 'champion' && (await resolver.aliasVersion(modelName, drawn)) === undefined
      ? 'champion'
      : drawn;
  return { record: await resolver.resolveAlias(modelName, alias), alias };
}

/**
 * The version that scores the request in shadow: only for a routed request (one that named a version
 * or alias gets exactly that), only when the routing has a shadow alias that is set, and only when it
 * is another version than the one that answered.
 */
export async function resolveShadow(
  resolver: AliasResolver,
  selector: Selector,
  primary: Target,
): Promise<Target | undefined> {
  if (selector.kind !== 'routed') return undefined;
  const { modelName } = primary.record;
  const routing = await resolver.routing(modelName);
  const alias = routing?.shadow;
  if (alias === undefined) return undefined;
  const version = await resolver.aliasVersion(modelName, alias);
  if (version === undefined || version === primary.record.version) return undefined;
  return { record: await resolver.resolveVersion(modelName, version), alias };
}
