/**
 * Step 7: rollback. If the gate promoted the retrained version, `rollback` restores the previous
 * champion; otherwise the retrained version is promoted by hand first (as `synergy promote` does), so
 * there is something to roll back. Each move is shown on the endpoint once the alias cache has expired.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { promoteVersion } from '../../layers/core/registry/promote-version.ts';
import { rollbackChampion } from '../../layers/core/registry/rollback.ts';
import type { ServingContext } from './context.ts';
import { DEMO_MODEL, DEMO_TARGET } from './demo-settings.ts';
import { callEndpoint, servedVersion } from './endpoint.ts';
import { requestRows } from './traffic.ts';

/** The CLI's actor in the audit trail (the demo moves aliases as `synergy promote`/`rollback` would). */
const ACTOR = 'synergy-cli';

export interface RollbackOutcome {
  /** The gate promoted the retrained version (else the demo promoted it by hand). */
  readonly promotedByGate: boolean;
  readonly promotedByHand: number | undefined;
  readonly from: number;
  readonly to: number;
  /** The version the endpoint served after the promotion and after the rollback. */
  readonly servedAfterPromotion: number | undefined;
  readonly servedAfterRollback: number | undefined;
}

/** SERVING_ALIAS_TTL_SECONDS of the predict function: how long an alias move takes to reach it. */
function aliasTtlMs(context: ServingContext): number {
  const value = Number(
    context.demo.stack.config.functions.predict?.environment.SERVING_ALIAS_TTL_SECONDS ?? 5,
  );
  return Number.isFinite(value) && value >= 0 ? value * 1000 : 5000;
}

async function servedNow(context: ServingContext): Promise<number | undefined> {
  await sleep(aliasTtlMs(context) + 300);
  const rows = requestRows({ rows: 1, seed: 404, target: DEMO_TARGET });
  const answer = await callEndpoint(context.endpoint, `/models/${encodeURIComponent(DEMO_MODEL)}/predict`, {
    method: 'POST',
    contentType: 'application/json',
    body: JSON.stringify({ rows }),
  });
  return servedVersion(answer);
}

export async function rollbackStep(
  context: ServingContext,
  retrained: { readonly version: number; readonly promoted: boolean },
): Promise<RollbackOutcome> {
  const { demo, narrator } = context;
  const deps = { registry: demo.registry, clock: { now: () => new Date() }, events: demo.registryEvents };
  const ttl = `${(aliasTtlMs(context) / 1000).toFixed(0)} s alias cache`;
  let promotedByHand: number | undefined;
  let servedAfterPromotion: number | undefined;
  if (retrained.promoted) {
    narrator.say(`The gate made v${retrained.version} the champion; rolling it back:`);
  } else {
    const before = await demo.registry.getAlias(DEMO_MODEL, 'champion');
    await promoteVersion(deps, {
      modelName: DEMO_MODEL,
      version: retrained.version,
      actor: ACTOR,
      reason: 'demo: promoted by hand to show a rollback',
    });
    promotedByHand = retrained.version;
    narrator.say(
      `The gate kept the champion, so first a promotion by hand (synergy promote ${DEMO_MODEL} ${retrained.version}): champion v${before?.version ?? '—'} → v${retrained.version}`,
    );
    servedAfterPromotion = await servedNow(context);
    narrator.say(`  the endpoint now serves v${servedAfterPromotion ?? '?'} (after the ${ttl})`);
  }
  const rolled = await rollbackChampion(deps, {
    modelName: DEMO_MODEL,
    actor: ACTOR,
    reason: 'demo: rollback',
  });
  narrator.say(
    `synergy rollback ${DEMO_MODEL}: champion v${rolled.from} → v${rolled.to} (the previous champion, from the audit trail)`,
  );
  const servedAfterRollback = await servedNow(context);
  narrator.say(`  the endpoint now serves v${servedAfterRollback ?? '?'} (after the ${ttl})`);
  return {
    promotedByGate: retrained.promoted,
    promotedByHand,
    from: rolled.from,
    to: rolled.to,
    servedAfterPromotion,
    servedAfterRollback,
  };
}
