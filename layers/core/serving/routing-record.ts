/** Routing records: the one-line description used in audit entries and the CLI. */
import type { AliasName, RoutingRecord } from '../pipeline/records.ts';

const ALIAS_ORDER: readonly AliasName[] = ['champion', 'challenger'];

/** `champion 90 / challenger 10, shadow challenger`, or `champion 100`. */
export function describeRouting(routing: Pick<RoutingRecord, 'weights' | 'shadow'>): string {
  const weights = ALIAS_ORDER.filter((alias) => (routing.weights[alias] ?? 0) > 0)
    .map((alias) => `${alias} ${routing.weights[alias]}`)
    .join(' / ');
  const shadow = routing.shadow === undefined ? '' : `, shadow ${routing.shadow}`;
  return `${weights || 'champion 100'}${shadow}`;
}
