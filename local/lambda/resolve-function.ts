/**
 * Maps a Task state's Resource (and Parameters, for `arn:aws:states:::lambda:invoke`) to the key of the
 * function it invokes, for every form serverless.yml can write it in.
 */
import { StackConfigError } from '../config/errors.ts';
import { functionLogicalId } from '../config/resource-facts.ts';
import type { FunctionConfig } from '../config/stack-config.ts';

export type FunctionResolver = (resource: unknown, parameters?: unknown) => string;

const LAMBDA_INVOKE = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;

export function createFunctionResolver(
  functions: Readonly<Record<string, FunctionConfig>>,
): FunctionResolver {
  const byName = new Map<string, string>();
  for (const fn of Object.values(functions)) {
    byName.set(fn.key, fn.key);
    byName.set(fn.name, fn.key);
    byName.set(fn.arn, fn.key);
    byName.set(functionLogicalId(fn.key), fn.key);
  }

  const fromReference = (reference: unknown): string | undefined => {
    if (typeof reference === 'string') return byName.get(stripQualifier(reference));
    if (reference === null || typeof reference !== 'object') return undefined;
    const node = reference as Record<string, unknown>;
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return byName.get(String(getAtt[0]));
    if (typeof getAtt === 'string' && getAtt.endsWith('.Arn')) return byName.get(getAtt.slice(0, -4));
    if (typeof node.Ref === 'string') return byName.get(node.Ref);
    return undefined;
  };

  return (resource, parameters) => {
    const target =
      typeof resource === 'string' && LAMBDA_INVOKE.test(resource)
        ? (parameters as Record<string, unknown> | undefined)?.FunctionName
        : resource;
    const key = fromReference(target);
    if (key === undefined) {
      throw new StackConfigError(`Task resource ${JSON.stringify(target)} is not a function of this stack`, {
        resource,
      });
    }
    return key;
  };
}

/** `arn:…:function:name:alias` and `name:alias` → without the version or alias. */
function stripQualifier(reference: string): string {
  const match = reference.match(/^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)(:[^:]+)?$/);
  if (match) return match[1];
  const [name] = reference.split(':');
  return reference.startsWith('arn:') ? reference : name;
}
