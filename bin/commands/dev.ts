import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { SimulatedClock } from '../../local/clock.ts';
import type { HttpRouteConfig } from '../../local/config/http-api.ts';
import { endpointsFile } from '../../local/endpoints.ts';
import { DEV_PORTS, startLocalStack } from '../../local/stack.ts';
import { UsageError } from '../errors.ts';
import { stateDirFor } from '../stack/session.ts';

/**
 * `synergy dev`: the embedded stack on fixed ports until Ctrl-C. Its state (objects, tables, executions)
 * lives under .synergy/ and survives restarts; a run cut off by a stop is failed on the next start.
 */
export async function runDev(argv: string[], root = process.cwd()): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { speed: { type: 'string' } } });
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!(speed > 0 && Number.isFinite(speed))) {
    throw new UsageError(`--speed must be a positive number, got "${values.speed}"`);
  }
  const started = Date.now();
  const stack = await startLocalStack({
    root,
    stateDir: stateDirFor(root),
    ports: DEV_PORTS,
    log: (line) => process.stderr.write(`${line}\n`),
    clock: new SimulatedClock({ speed }),
  });
  const { s3, dynamodb, stepfunctions, cloudwatch, eventbridge, http, bucket, region } = stack.endpoints;
  const cli = `aws --region ${region}`;
  const routes = stack.config.httpApi.routes;
  process.stdout.write(
    [
      `Synergy local stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (${endpointsFile(stack.stateDir)})`,
      `  S3              ${s3}   bucket ${bucket}`,
      `  DynamoDB        ${dynamodb}`,
      `  Step Functions  ${stepfunctions}`,
      `  CloudWatch      ${cloudwatch}   metrics from EMF, alarms${speed === 1 ? '' : ` (clock × ${speed})`}`,
      `  EventBridge     ${eventbridge}   ${stack.config.eventRules.length} rules (serverless.yml)`,
      ...(http === null
        ? []
        : [`  HTTP API        ${http}   ${routes.length} routes (serverless.yml httpApi)`]),
      `  Lambda logs     ${stack.logFile('<function>')}`,
      '',
      'Use it with the AWS CLI (any credentials for DynamoDB/Step Functions; S3 wants S3RVER/S3RVER):',
      '  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER',
      `  ${cli} --endpoint-url ${s3} s3 cp data.csv s3://${bucket}/incoming/<dataset>/data.csv   # starts a run`,
      `  ${cli} --endpoint-url ${stepfunctions} stepfunctions list-executions --state-machine-arn ${stack.config.stateMachines[0]?.arn ?? '<arn>'}`,
      `  ${cli} --endpoint-url ${dynamodb} dynamodb scan --table-name ${stack.config.tables[0]?.name ?? '<table>'}`,
      '  npx synergy run data.csv | npx synergy runs | npx synergy models',
      ...(http === null ? [] : ['', ...curlExamples(http, routes)]),
      '',
      'Ctrl-C stops the stack.',
      '',
    ].join('\n'),
  );
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  process.stderr.write('Stopping…\n');
  await stack.stop();
  return 0;
}

/** A curl line for an open route and one for a route behind an authorizer, when the service has them. */
function curlExamples(http: string, routes: readonly HttpRouteConfig[]): string[] {
  const concrete = (route: HttpRouteConfig) =>
    route.path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => (name === 'name' ? '<model>' : `<${name}>`));
  const lines = ['Call the HTTP API (routes in serverless.yml; the authorizer wants an API key):'];
  const open = routes.find((route) => route.authorizer === undefined && route.method === 'GET');
  if (open) lines.push(`  curl ${http}${concrete(open)}`);
  const guarded = routes.find((route) => route.authorizer !== undefined && route.method === 'POST');
  if (guarded) {
    lines.push(
      '  npx synergy keys create --name me   # prints the key once',
      `  curl -H "Authorization: Bearer <key>" -H 'content-type: application/json' -d '{"rows":[{…}]}' ${http}${concrete(guarded)}`,
    );
  }
  return lines.length > 1 ? lines : [];
}
