/**
 * Reading a CloudFormation template in tests: resources by type, the IAM statements of a role, a function's
 * environment with its references resolved, and the EventBridge rules that invoke a function.
 */
export interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

export interface Template {
  readonly Resources: Record<string, Resource>;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The account and region ARNs are built for (the template itself only has pseudo-parameters). */
export interface Place {
  readonly region: string;
  readonly account: string;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function resource(template: Template, logicalId: string): Resource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`the template has no resource ${logicalId}`);
  return found;
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every statement of a role's inline policies. */
export function roleStatements(role: Resource): Statement[] {
  const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

/** The statements of a role that grant `action` (listed by its exact name). */
export function statementsGranting(role: Resource, action: string): Statement[] {
  return roleStatements(role).filter((statement) => asList(statement.Action).includes(action));
}

/** The logical id an `{"Fn::GetAtt": [id, "Arn"]}` or `{"Ref": id}` points at. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  const ref = (value as { Ref?: unknown }).Ref;
  return typeof ref === 'string' ? ref : undefined;
}

/** An env value as the template gives it, with table and state machine references resolved. */
export function resolveEnvValue(template: Template, value: unknown, place: Place): string {
  if (typeof value === 'string') return value;
  const id = referencedId(value);
  const target = id === undefined ? undefined : resource(template, id);
  if (target?.Type === 'AWS::DynamoDB::Table') return target.Properties.TableName as string;
  if (target?.Type === 'AWS::StepFunctions::StateMachine') {
    const name = target.Properties.StateMachineName as string;
    return `arn:aws:states:${place.region}:${place.account}:stateMachine:${name}`;
  }
  throw new Error(`cannot resolve env value ${JSON.stringify(value)}`);
}

/** The environment variables of a function resource, resolved as a Lambda would see them. */
export function functionEnvironment(
  template: Template,
  functionId: string,
  place: Place,
): Record<string, string> {
  const { Variables } = resource(template, functionId).Properties.Environment as {
    Variables: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(Variables).map(([name, value]) => [name, resolveEnvValue(template, value, place)]),
  );
}

/** The EventBridge rules that target a function, and the permissions that let EventBridge invoke it. */
export function eventRulesOf(
  template: Template,
  functionId: string,
): { readonly rules: Resource[]; readonly permissions: Resource[] } {
  const rules = resourcesOfType(template, 'AWS::Events::Rule')
    .map(([, rule]) => rule)
    .filter((rule) =>
      (rule.Properties.Targets as { Arn: unknown }[]).some(
        (target) => referencedId(target.Arn) === functionId,
      ),
    );
  const permissions = resourcesOfType(template, 'AWS::Lambda::Permission')
    .map(([, permission]) => permission)
    .filter(
      (permission) =>
        permission.Properties.Principal === 'events.amazonaws.com' &&
        referencedId(permission.Properties.FunctionName) === functionId,
    );
  return { rules, permissions };
}
