import { describe, expect, it } from 'vitest';
import { EventPatternError } from '../../../local/eventbridge/errors.ts';
import { compilePattern, matchesPattern } from '../../../local/eventbridge/pattern.ts';

/** An event in EventBridge's envelope, the detail varied per case. */
function event(detail: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...overrides,
  };
}

type Case = [
  name: string,
  pattern: Record<string, unknown>,
  detail: Record<string, unknown>,
  matches: boolean,
];

const cases: Case[] = [
  // exact values
  ['exact string', { detail: { state: ['terminated'] } }, { state: 'terminated' }, true],
  ['exact string, other value', { detail: { state: ['terminated'] } }, { state: 'running' }, false],
  ['any of several values', { detail: { state: ['running', 'terminated'] } }, { state: 'terminated' }, true],
  ['exact number', { detail: { count: [5] } }, { count: 5 }, true],
  ['a number is not its string', { detail: { count: [5] } }, { count: '5' }, false],
  ['a string is not its number', { detail: { count: ['5'] } }, { count: 5 }, false],
  ['numbers compare by value', { detail: { count: [300] } }, { count: 3e2 }, true],
  ['boolean', { detail: { ok: [true] } }, { ok: true }, true],
  ['boolean, other value', { detail: { ok: [true] } }, { ok: false }, false],
  ['null matches null', { detail: { r: [null] } }, { r: null }, true],
  ['null does not match an empty string', { detail: { r: [null] } }, { r: '' }, false],
  ['empty string does not match null', { detail: { r: [''] } }, { r: null }, false],
  ['empty string', { detail: { r: [''] } }, { r: '' }, true],
  ['absent field', { detail: { state: ['terminated'] } }, {}, false],
  ['exact match is case sensitive', { detail: { state: ['Terminated'] } }, { state: 'terminated' }, false],
  // nested objects
  ['nested object', { detail: { state: { value: ['ALARM'] } } }, { state: { value: 'ALARM' } }, true],
  [
    'nested object, other value',
    { detail: { state: { value: ['ALARM'] } } },
    { state: { value: 'OK' } },
    false,
  ],
  ['nested pattern on a leaf', { detail: { state: { value: ['ALARM'] } } }, { state: 'ALARM' }, false],
  ['leaf pattern on an object', { detail: { state: ['ALARM'] } }, { state: { value: 'ALARM' } }, false],
  ['all fields must match', { detail: { a: ['1'], b: ['2'] } }, { a: '1', b: '3' }, false],
  ['extra event fields are fine', { detail: { a: ['1'] } }, { a: '1', b: '3' }, true],
  // arrays in events
  ['array: any element', { detail: { tags: ['blue'] } }, { tags: ['red', 'blue'] }, true],
  ['array: no element', { detail: { tags: ['blue'] } }, { tags: ['red', 'green'] }, false],
  ['nested arrays flatten', { detail: { tags: ['blue'] } }, { tags: [['red'], ['blue']] }, true],
  [
    'array of objects: any element',
    { detail: { items: { id: ['b'] } } },
    { items: [{ id: 'a' }, { id: 'b' }] },
    true,
  ],
  [
    'array of objects: fields from one element',
    { detail: { items: { id: ['a'], size: [2] } } },
    {
      items: [
        { id: 'a', size: 1 },
        { id: 'b', size: 2 },
      ],
    },
    false,
  ],
  // prefix / suffix
  [
    'prefix',
    { detail: { alarmName: [{ prefix: 'synergy-local-' }] } },
    { alarmName: 'synergy-local-iris-drift' },
    true,
  ],
  [
    'prefix, other',
    { detail: { alarmName: [{ prefix: 'synergy-local-' }] } },
    { alarmName: 'synergy-dev-iris' },
    false,
  ],
  ['prefix on a number', { detail: { n: [{ prefix: '1' }] } }, { n: 12 }, false],
  [
    'prefix ignoring case',
    { detail: { s: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    { s: 'eventbridge' },
    true,
  ],
  ['suffix', { detail: { file: [{ suffix: '.png' }] } }, { file: 'a/b.png' }, true],
  ['suffix, other', { detail: { file: [{ suffix: '.png' }] } }, { file: 'a/b.PNG' }, false],
  [
    'suffix ignoring case',
    { detail: { file: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    { file: 'B.PNG' },
    true,
  ],
  // equals-ignore-case
  ['equals-ignore-case', { detail: { s: [{ 'equals-ignore-case': 'alarm' }] } }, { s: 'ALARM' }, true],
  [
    'equals-ignore-case, other',
    { detail: { s: [{ 'equals-ignore-case': 'alarm' }] } },
    { s: 'ALARMS' },
    false,
  ],
  // wildcard
  ['wildcard', { detail: { path: [{ wildcard: 'dir/*.png' }] } }, { path: 'dir/sub/a.png' }, true],
  ['wildcard, other', { detail: { path: [{ wildcard: 'dir/*.png' }] } }, { path: 'dir/a.jpg' }, false],
  ['wildcard in the middle', { detail: { s: [{ wildcard: 'a*c*e' }] } }, { s: 'abcde' }, true],
  ['wildcard escaped star', { detail: { s: [{ wildcard: 'a\\*b' }] } }, { s: 'a*b' }, true],
  ['wildcard escaped star is literal', { detail: { s: [{ wildcard: 'a\\*b' }] } }, { s: 'axb' }, false],
  ['wildcard regex characters are literal', { detail: { s: [{ wildcard: 'a.b*' }] } }, { s: 'axb1' }, false],
  // anything-but
  [
    'anything-but string',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    { state: 'running' },
    true,
  ],
  [
    'anything-but string, excluded',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    { state: 'initializing' },
    false,
  ],
  ['anything-but needs the field', { detail: { state: [{ 'anything-but': 'initializing' }] } }, {}, false],
  ['anything-but number', { detail: { n: [{ 'anything-but': 123 }] } }, { n: 124 }, true],
  ['anything-but number, excluded', { detail: { n: [{ 'anything-but': 123 }] } }, { n: 123 }, false],
  [
    'anything-but list',
    { detail: { s: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    { s: 'stopped' },
    false,
  ],
  [
    'anything-but list, other',
    { detail: { s: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    { s: 'ok' },
    true,
  ],
  [
    'anything-but with an array: any kept value',
    { detail: { s: [{ 'anything-but': 'a' }] } },
    { s: ['a', 'b'] },
    true,
  ],
  [
    'anything-but with an array: all excluded',
    { detail: { s: [{ 'anything-but': 'a' }] } },
    { s: ['a', 'a'] },
    false,
  ],
  [
    'anything-but prefix',
    { detail: { r: [{ 'anything-but': { prefix: 'us-' } }] } },
    { r: 'us-east-1' },
    false,
  ],
  [
    'anything-but prefix, other',
    { detail: { r: [{ 'anything-but': { prefix: 'us-' } }] } },
    { r: 'eu-west-1' },
    true,
  ],
  ['anything-but suffix', { detail: { f: [{ 'anything-but': { suffix: '.png' } }] } }, { f: 'a.png' }, false],
  [
    'anything-but equals-ignore-case list',
    { detail: { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Overloaded'] } }] } },
    { s: 'STOPPED' },
    false,
  ],
  [
    'anything-but wildcard',
    { detail: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    { p: 'a/lib/b' },
    false,
  ],
  [
    'anything-but wildcard, other',
    { detail: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    { p: 'a/src/b' },
    true,
  ],
  // numeric
  ['numeric range inside', { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, { c: 5 }, true],
  [
    'numeric range lower bound excluded',
    { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } },
    { c: 0 },
    false,
  ],
  ['numeric range above', { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, { c: 5.01 }, false],
  ['numeric =', { detail: { c: [{ numeric: ['=', 3.5] }] } }, { c: 3.5 }, true],
  ['numeric <', { detail: { c: [{ numeric: ['<', 10] }] } }, { c: -3 }, true],
  ['numeric >=', { detail: { c: [{ numeric: ['>=', 0.25] }] } }, { c: 0.25 }, true],
  ['numeric on a string', { detail: { c: [{ numeric: ['>', 0] }] } }, { c: '5' }, false],
  ['numeric with an array', { detail: { c: [{ numeric: ['>', 10] }] } }, { c: [1, 2, 30] }, true],
  // exists
  ['exists true', { detail: { c: [{ exists: true }] } }, { c: 'x' }, true],
  ['exists true, null counts', { detail: { c: [{ exists: true }] } }, { c: null }, true],
  ['exists true, absent', { detail: { c: [{ exists: true }] } }, {}, false],
  ['exists false, absent', { detail: { c: [{ exists: false }] } }, {}, true],
  ['exists false, present', { detail: { c: [{ exists: false }] } }, { c: 0 }, false],
  ['exists only looks at leaves', { detail: { c: [{ exists: true }] } }, { c: { d: 1 } }, false],
  ['exists false under an absent object', { detail: { a: { b: [{ exists: false }] } } }, {}, true],
  [
    'several matchers: any',
    { detail: { c: ['x', { prefix: 'y' }, { numeric: ['>', 1] }] } },
    { c: 'yes' },
    true,
  ],
  // $or
  [
    '$or: one branch',
    { detail: { $or: [{ c: ['x'] }, { d: [{ numeric: ['>', 1] }] }] } },
    { c: 'y', d: 2 },
    true,
  ],
  [
    '$or: no branch',
    { detail: { $or: [{ c: ['x'] }, { d: [{ numeric: ['>', 1] }] }] } },
    { c: 'y', d: 1 },
    false,
  ],
  [
    '$or with other fields: all still required',
    { detail: { kind: ['a'], $or: [{ c: ['x'] }, { d: ['y'] }] } },
    { kind: 'b', c: 'x' },
    false,
  ],
];

describe('event patterns', () => {
  it.each(cases)('%s', (_name, pattern, detail, expected) => {
    expect(matchesPattern(pattern, event(detail))).toBe(expected);
  });

  it('matches envelope fields, and the alarm rule of serverless.yml', () => {
    const alarmRule = {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: 'synergy-local-' }], state: { value: ['ALARM'] } },
    };
    const alarm = (name: string, state: string, source = 'aws.cloudwatch') =>
      event(
        { alarmName: name, state: { value: state }, previousState: { value: 'OK' } },
        { source, 'detail-type': 'CloudWatch Alarm State Change' },
      );
    const matches = compilePattern(alarmRule);
    expect(matches(alarm('synergy-local-iris-drift', 'ALARM'))).toBe(true);
    expect(matches(alarm('synergy-local-iris-drift', 'OK'))).toBe(false);
    expect(matches(alarm('synergy-dev-iris-drift', 'ALARM'))).toBe(false);
    expect(matches(alarm('synergy-local-iris-drift', 'ALARM', 'custom.app'))).toBe(false);
    expect(matchesPattern({ resources: [{ suffix: 'i-1234567890abcdef0' }] }, event({}))).toBe(true);
    expect(matchesPattern({ source: ['aws.ec2'], region: ['eu-west-1'] }, event({}))).toBe(false);
  });

  it.each([
    [{}, 'must not be empty'],
    [{ source: 'aws.ec2' }, '"source" must be an object or an array'],
    [{ source: [] }, 'empty arrays are not allowed'],
    [{ source: [['nested']] }, 'match values'],
    [{ detail: { s: [{ contains: 'x' }] } }, 'Unrecognized match type contains'],
    [{ detail: { s: [{ prefix: 'a', suffix: 'b' }] } }, 'exactly one key'],
    [{ detail: { s: [{ prefix: 5 }] } }, 'prefix takes a string'],
    [{ detail: { s: [{ prefix: { 'equals-ignore-case': 'a', x: 1 } }] } }, 'prefix takes'],
    [{ detail: { s: [{ exists: 'yes' }] } }, 'exists takes true or false'],
    [{ detail: { s: [{ numeric: ['>', 'one'] }] } }, 'numeric takes'],
    [{ detail: { s: [{ numeric: ['!=', 1] }] } }, 'Unrecognized numeric range operator: !='],
    [{ detail: { s: [{ numeric: ['<', 5, '>', 1] }] } }, 'Bad numeric range'],
    [{ detail: { s: [{ numeric: ['>', 5, '<', 1] }] } }, 'Bad numeric range'],
    [{ detail: { s: [{ 'anything-but': [] }] } }, 'non-empty list'],
    [{ detail: { s: [{ 'anything-but': ['a', 1] }] } }, 'only strings or only numbers'],
    [
      { detail: { s: [{ 'anything-but': { numeric: ['>', 1] } }] } },
      'Unsupported anything-but pattern: numeric',
    ],
    [{ detail: { s: [{ wildcard: 'a**b' }] } }, 'consecutive wildcard'],
    [{ detail: { s: [{ wildcard: 'a\\b' }] } }, 'invalid escape'],
    [{ detail: { $or: [{ s: ['a'] }] } }, 'at least two patterns'],
    [{ detail: { $or: [{ s: ['a'] }, 'b'] } }, 'must be a non-empty object'],
    [{ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, 'cidr matching is not supported'],
  ])('refuses %j (%s)', (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(EventPatternError);
    expect(() => compilePattern(pattern)).toThrow(message);
  });

  it('names the field of an invalid operator', () => {
    try {
      compilePattern({ detail: { state: { value: [{ bogus: 1 }] } } });
      expect.unreachable('the pattern is invalid');
    } catch (error) {
      expect(error).toBeInstanceOf(EventPatternError);
      expect((error as EventPatternError).message).toContain('detail.state.value');
      expect((error as EventPatternError).message).toContain('bogus');
    }
  });
});
