import { describe, expect, it } from 'vitest';
import { IntrinsicError } from '../../local/config/errors.ts';
import type { IntrinsicContext, ResourceFacts } from '../../local/config/intrinsics.ts';
import { resolveIntrinsics, resolveToString } from '../../local/config/intrinsics.ts';

const table: ResourceFacts = {
  type: 'AWS::DynamoDB::Table',
  ref: 'svc-local-runs',
  attributes: { Arn: 'arn:aws:dynamodb:eu-west-1:000000000000:table/svc-local-runs' },
};
const context: IntrinsicContext = {
  region: 'eu-west-1',
  accountId: '000000000000',
  partition: 'aws',
  stackName: 'svc-local',
  resources: new Map([['RunsTable', table]]),
};

describe('resolveIntrinsics', () => {
  it('resolves Ref to resources and pseudo parameters', () => {
    expect(resolveIntrinsics({ Ref: 'RunsTable' }, context, 'env.T')).toBe('svc-local-runs');
    expect(resolveIntrinsics({ Ref: 'AWS::Region' }, context, 'x')).toBe('eu-west-1');
    expect(resolveIntrinsics({ Ref: 'AWS::AccountId' }, context, 'x')).toBe('000000000000');
    expect(resolveIntrinsics({ Ref: 'AWS::Partition' }, context, 'x')).toBe('aws');
  });

  it('resolves Fn::GetAtt in its array and dotted forms', () => {
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['RunsTable', 'Arn'] }, context, 'x')).toBe(
      table.attributes.Arn,
    );
    expect(resolveIntrinsics({ 'Fn::GetAtt': 'RunsTable.Arn' }, context, 'x')).toBe(table.attributes.Arn);
  });

  it('substitutes Fn::Sub references, attributes and variables, and keeps escaped literals', () => {
    const sub = {
      'Fn::Sub': [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation/serverless syntax, not a JS template
        '${RunsTable}|${RunsTable.Arn}|${AWS::Region}|${Who}|${!Literal}',
        { Who: { Ref: 'AWS::AccountId' } },
      ],
    };
    expect(resolveIntrinsics(sub, context, 'x')).toBe(
      `svc-local-runs|${table.attributes.Arn}|eu-west-1|000000000000|\${Literal}`,
    );
  });

  it('joins, splits and selects, nested inside plain objects and arrays', () => {
    const value = {
      list: [{ 'Fn::Join': ['-', ['a', { Ref: 'RunsTable' }, 3]] }],
      pick: { 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] },
    };
    expect(resolveIntrinsics(value, context, 'x')).toEqual({ list: ['a-svc-local-runs-3'], pick: 'y' });
  });

  it('leaves the nodes `keep` selects untouched', () => {
    const resource = { 'Fn::GetAtt': ['prep', 'Arn'] };
    const resolved = resolveIntrinsics(
      { Resource: resource, T: { Ref: 'RunsTable' } },
      context,
      'def',
      (node) => Array.isArray(node['Fn::GetAtt']),
    );
    expect(resolved).toEqual({ Resource: resource, T: 'svc-local-runs' });
  });

  it('names the path of a Ref to an unknown resource', () => {
    expect(() => resolveIntrinsics({ A: [{ Ref: 'Nope' }] }, context, 'functions.x.environment')).toThrow(
      /functions\.x\.environment\.A\[0\]\.Ref: Ref to "Nope"/,
    );
  });

  it('names the attribute and the known ones of an unresolvable Fn::GetAtt', () => {
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['RunsTable', 'StreamLabel'] }, context, 'p')).toThrow(
      /RunsTable\.StreamLabel cannot be resolved locally \(a AWS::DynamoDB::Table; known: Arn\)/,
    );
  });

  it('refuses intrinsics it cannot evaluate locally, with their path', () => {
    const attempt = () =>
      resolveIntrinsics({ v: { 'Fn::ImportValue': 'shared-bucket' } }, context, 'provider.environment');
    expect(attempt).toThrow(IntrinsicError);
    expect(attempt).toThrow(
      'provider.environment.v.Fn::ImportValue: Fn::ImportValue cannot be resolved locally',
    );
  });

  it('stringifies numbers for env values and rejects objects', () => {
    expect(resolveToString(30, context, 'env.N')).toBe('30');
    expect(() => resolveToString({ a: 1 }, context, 'env.O')).toThrow(
      'env.O: expected a string, got {"a":1}',
    );
  });
});
