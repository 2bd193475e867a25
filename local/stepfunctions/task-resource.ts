/**
 * What a Task state's Resource is, as far as the local runner is concerned. Only Lambda functions run
 * locally: referenced directly (`Fn::GetAtt: [key, Arn]` as `serverless print` leaves it, or a function
 * ARN) or through the optimized integration `arn:aws:states:::lambda:invoke`.
 */
import { isJsonObject } from './json.ts';

export const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';
export const S3_GET_OBJECT_RESOURCE = 'arn:aws:states:::s3:getObject';
export const S3_PUT_OBJECT_RESOURCE = 'arn:aws:states:::s3:putObject';

export type TaskResourceKind =
  | { readonly kind: 'lambda' }
  | { readonly kind: 'lambdaInvoke' }
  | { readonly kind: 'unsupported'; readonly reason: string };

const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

export function isGetAttArn(resource: unknown): boolean {
  if (!isJsonObject(resource)) return false;
  const getAtt = resource['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt.length === 2 && typeof getAtt[0] === 'string' && getAtt[1] === 'Arn';
}

export function classifyTaskResource(resource: unknown): TaskResourceKind {
  if (isGetAttArn(resource)) return { kind: 'lambda' };
  if (typeof resource !== 'string') {
    return {
      kind: 'unsupported',
      reason: `Resource ${JSON.stringify(resource)} is neither a Lambda ARN nor Fn::GetAtt [<function>, Arn]`,
    };
  }
  if (resource.endsWith('.waitForTaskToken')) {
    return {
      kind: 'unsupported',
      reason: `callback integration ${resource} (.waitForTaskToken) is not run locally`,
    };
  }
  if (/\.sync(:\d+)?$/.test(resource)) {
    return { kind: 'unsupported', reason: `job integration ${resource} (.sync) is not run locally` };
  }
  if (resource === LAMBDA_INVOKE_RESOURCE) return { kind: 'lambdaInvoke' };
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: 'lambda' };
  return {
    kind: 'unsupported',
    reason: `Resource ${resource} is not a Lambda function; only Lambda tasks run locally`,
  };
}
