/** Step 3: an API key for the demo, and the same two activities scored through each protocol. */
import { createApiKey } from '../../layers/core/auth/create-api-key.ts';
import type { DemoContext } from './context.ts';
import { DEMO_MODEL, DEMO_TARGET } from './demo-settings.ts';
import type { Endpoint } from './endpoint.ts';
import { type ProtocolAnswer, predictThreeWays } from './protocols.ts';
import { type RequestRow, requestRows } from './traffic.ts';

/** The answer's body on one line, cut to fit a terminal. */
function compact(body: string, width: number): string {
  const oneLine = body.replace(/\s+/g, ' ');
  return oneLine.length <= width ? oneLine : `${oneLine.slice(0, width - 1)}…`;
}

function describe(answer: ProtocolAnswer): string {
  const predictions = answer.predictions
    .map((row) =>
      row.probability === undefined ? row.label : `${row.label} (p=${row.probability.toFixed(2)})`,
    )
    .join(', ');
  return `${answer.protocol.padEnd(6)} ${answer.call.padEnd(44)} → ${answer.status} v${answer.version ?? '?'} in ${Math.round(answer.ms)} ms: ${predictions}`;
}

/** Activities with every feature present (the V2 protocol has no missing values). */
function completeRows(count: number): RequestRow[] {
  const rows = requestRows({ rows: 20, seed: 303, target: DEMO_TARGET });
  const width = Math.max(...rows.map((row) => Object.keys(row).length));
  return rows.filter((row) => Object.keys(row).length === width).slice(0, count);
}

export async function predictStep(
  context: DemoContext,
): Promise<{ endpoint: Endpoint; answers: ProtocolAnswer[]; keyId: string }> {
  const { demo, narrator } = context;
  const created = await createApiKey(
    { apiKeys: demo.apiKeys, clock: { now: () => new Date() } },
    { name: 'synergy-demo', actor: 'synergy-demo' },
  );
  const endpoint: Endpoint = { base: demo.api, key: created.key };
  narrator.say(
    `API key "synergy-demo" created (id ${created.record.keyId}, stored hashed); requests send Authorization: Bearer syn_…`,
  );
  narrator.say(`HTTP API: ${demo.api} (the API Gateway stand-in, the authorizer and predict functions)`);
  const answers = await predictThreeWays(endpoint, DEMO_MODEL, completeRows(2));
  narrator.say();
  for (const answer of answers) {
    narrator.say(describe(answer));
    narrator.say(`       ${compact(answer.body, 110)}`);
  }
  return { endpoint, answers, keyId: created.record.keyId };
}
