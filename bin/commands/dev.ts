import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { endpointsFile } from '../../local/endpoints.ts';
import { DEV_PORTS, startLocalStack } from '../../local/stack.ts';
import { stateDirFor } from '../stack/session.ts';

/**
 * `synergy dev`: the embedded stack on fixed ports until Ctrl-C. Its state (objects, tables, executions)
 * lives under .synergy/ and survives restarts; a run cut off by a stop is failed on the next start.
 */
export async function runDev(argv: string[], root = process.cwd()): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const started = Date.now();
  const stack = await startLocalStack({
    root,
    stateDir: stateDirFor(root),
    ports: DEV_PORTS,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const { s3, dynamodb, stepfunctions, bucket, region } = stack.endpoints;
  const cli = `aws --region ${region}`;
  process.stdout.write(
    [
      `Synergy local stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (${endpointsFile(stack.stateDir)})`,
      `  S3              ${s3}   bucket ${bucket}`,
      `  DynamoDB        ${dynamodb}`,
      `  Step Functions  ${stepfunctions}`,
      `  Lambda logs     ${stack.logFile('<function>')}`,
      '',
      'Use it with the AWS CLI (any credentials for DynamoDB/Step Functions; S3 wants S3RVER/S3RVER):',
      '  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER',
      `  ${cli} --endpoint-url ${s3} s3 cp data.csv s3://${bucket}/incoming/<dataset>/data.csv   # starts a run`,
      `  ${cli} --endpoint-url ${stepfunctions} stepfunctions list-executions --state-machine-arn ${stack.config.stateMachines[0]?.arn ?? '<arn>'}`,
      `  ${cli} --endpoint-url ${dynamodb} dynamodb scan --table-name ${stack.config.tables[0]?.name ?? '<table>'}`,
      '  npx synergy run data.csv | npx synergy runs | npx synergy models',
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
