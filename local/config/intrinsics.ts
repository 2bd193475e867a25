/**
 * Resolves the CloudFormation intrinsic functions that `serverless print` leaves in place (it resolves
 * `${…}` variables but not `Ref`/`Fn::*`, which CloudFormation evaluates at deploy time). Locally each
 * resource's Ref value and attributes are known up front (names from the config, ARNs in account
 * 000000000000), so every intrinsic reduces to a plain value; one that does not is an error naming where it is.
 */
import { IntrinsicError } from './errors.ts';

/** What `Ref` and `Fn::GetAtt` give for one logical id. */
export interface ResourceFacts {
  readonly type: string;
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface IntrinsicContext {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly stackName: string;
  readonly resources: ReadonlyMap<string, ResourceFacts>;
}

/** Return true to leave a node as it is (e.g. the step-functions plugin's `Fn::GetAtt: [functionKey, Arn]`). */
export type KeepNode = (node: Readonly<Record<string, unknown>>) => boolean;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const pseudoParameters = (context: IntrinsicContext): Record<string, string> => ({
  'AWS::Region': context.region,
  'AWS::AccountId': context.accountId,
  'AWS::Partition': context.partition,
  'AWS::StackName': context.stackName,
  'AWS::StackId': `arn:${context.partition}:cloudformation:${context.region}:${context.accountId}:stack/${context.stackName}/local`,
  'AWS::URLSuffix': 'amazonaws.com',
});

/** Deep copy of `value` with every intrinsic replaced by its value. `path` names the root in errors. */
export function resolveIntrinsics(
  value: unknown,
  context: IntrinsicContext,
  path: string,
  keep?: KeepNode,
): Json {
  return new Resolver(context, keep).resolve(value, path);
}

/** Resolves `value` and requires a string (numbers and booleans are stringified, as env values are). */
export function resolveToString(value: unknown, context: IntrinsicContext, path: string): string {
  const resolved = resolveIntrinsics(value, context, path);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  throw new IntrinsicError(`${path}: expected a string, got ${JSON.stringify(resolved)}`, { path });
}

function intrinsicName(node: Readonly<Record<string, unknown>>): string | undefined {
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const [key] = keys;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

class Resolver {
  constructor(
    private readonly context: IntrinsicContext,
    private readonly keep: KeepNode | undefined,
  ) {}

  resolve(value: unknown, path: string): Json {
    if (
      value === null ||
      typeof value === 'boolean' ||
      typeof value === 'number' ||
      typeof value === 'string'
    ) {
      return value;
    }
    if (Array.isArray(value)) return value.map((item, index) => this.resolve(item, `${path}[${index}]`));
    if (typeof value !== 'object') {
      throw new IntrinsicError(`${path}: ${typeof value} is not a JSON value`, { path });
    }
    const node = value as Record<string, unknown>;
    if (this.keep?.(node)) return this.copy(node);
    const name = intrinsicName(node);
    if (name !== undefined) return this.evaluate(name, node[name], `${path}.${name}`);
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(node)) out[key] = this.resolve(child, `${path}.${key}`);
    return out;
  }

  private copy(node: Readonly<Record<string, unknown>>): Json {
    return JSON.parse(JSON.stringify(node)) as Json;
  }

  private evaluate(name: string, argument: unknown, path: string): Json {
    switch (name) {
      case 'Ref':
        return this.ref(this.string(argument, path), path);
      case 'Fn::GetAtt':
        return this.getAtt(argument, path);
      case 'Fn::Sub':
        return this.sub(argument, path);
      case 'Fn::Join':
        return this.join(argument, path);
      case 'Fn::Select':
        return this.select(argument, path);
      case 'Fn::Split':
        return this.split(argument, path);
      case 'Fn::Base64':
        return Buffer.from(this.string(this.resolve(argument, path), path)).toString('base64');
      default:
        throw new IntrinsicError(`${path}: ${name} cannot be resolved locally`, { path, intrinsic: name });
    }
  }

  private ref(logicalId: string, path: string): string {
    const pseudo = pseudoParameters(this.context)[logicalId];
    if (pseudo !== undefined) return pseudo;
    const facts = this.context.resources.get(logicalId);
    if (!facts) {
      throw new IntrinsicError(
        `${path}: Ref to "${logicalId}", which is not a resource the local stack knows`,
        {
          path,
          logicalId,
        },
      );
    }
    return facts.ref;
  }

  private getAtt(argument: unknown, path: string): string {
    const resolved = this.resolve(argument, path);
    const parts = typeof resolved === 'string' ? splitOnce(resolved, '.') : resolved;
    if (!Array.isArray(parts) || parts.length !== 2) {
      throw new IntrinsicError(`${path}: expected [logicalId, attribute], got ${JSON.stringify(argument)}`, {
        path,
      });
    }
    const [logicalId, attribute] = parts.map((part) => this.string(part, path));
    return this.attribute(logicalId, attribute, path);
  }

  private attribute(logicalId: string, attribute: string, path: string): string {
    const facts = this.context.resources.get(logicalId);
    const value = facts?.attributes[attribute];
    if (value === undefined) {
      const known = facts
        ? ` (a ${facts.type}; known: ${Object.keys(facts.attributes).join(', ') || 'none'})`
        : '';
      throw new IntrinsicError(
        `${path}: Fn::GetAtt ${logicalId}.${attribute} cannot be resolved locally${known}`,
        {
          path,
          logicalId,
          attribute,
        },
      );
    }
    return value;
  }

  private sub(argument: unknown, path: string): string {
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    const text = this.string(template, path);
    const locals = this.resolve(variables ?? {}, `${path}[1]`);
    if (locals === null || typeof locals !== 'object' || Array.isArray(locals)) {
      throw new IntrinsicError(`${path}[1]: Fn::Sub variables must be a map`, { path });
    }
    return text.replace(/\$\{(!?)([^}]*)\}/g, (_match, literal: string, expression: string) => {
      if (literal) return `\${${expression}}`;
      const local = locals[expression.trim()];
      if (local !== undefined) return this.string(local, `${path} \${${expression}}`);
      const [logicalId, attribute] = splitOnce(expression.trim(), '.');
      return attribute === undefined
        ? this.ref(logicalId, `${path} \${${expression}}`)
        : this.attribute(logicalId, attribute, `${path} \${${expression}}`);
    });
  }

  private join(argument: unknown, path: string): string {
    const resolved = this.resolve(argument, path);
    if (!Array.isArray(resolved) || resolved.length !== 2 || !Array.isArray(resolved[1])) {
      throw new IntrinsicError(`${path}: expected [delimiter, [values…]]`, { path });
    }
    const [delimiter, values] = resolved;
    return values
      .map((item, index) => this.string(item, `${path}[1][${index}]`))
      .join(this.string(delimiter, path));
  }

  private select(argument: unknown, path: string): Json {
    const resolved = this.resolve(argument, path);
    if (!Array.isArray(resolved) || resolved.length !== 2 || !Array.isArray(resolved[1])) {
      throw new IntrinsicError(`${path}: expected [index, [values…]]`, { path });
    }
    const [index, values] = resolved;
    const item = values[Number(index)];
    if (item === undefined) throw new IntrinsicError(`${path}: index ${index} is out of range`, { path });
    return item;
  }

  private split(argument: unknown, path: string): string[] {
    const resolved = this.resolve(argument, path);
    if (!Array.isArray(resolved) || resolved.length !== 2) {
      throw new IntrinsicError(`${path}: expected [delimiter, string]`, { path });
    }
    return this.string(resolved[1], path).split(this.string(resolved[0], path));
  }

  private string(value: unknown, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new IntrinsicError(`${path}: expected a string, got ${JSON.stringify(value)}`, { path });
  }
}

function splitOnce(text: string, separator: string): [string, string] | [string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}
