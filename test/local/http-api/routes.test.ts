import { describe, expect, it } from 'vitest';
import type { HttpRouteConfig } from '../../../local/config/http-api.ts';
import { RouteTable } from '../../../local/http-api/routes.ts';

function route(routeKey: string): HttpRouteConfig {
  if (routeKey === '$default') return { routeKey, method: '', path: '', functionKey: 'fallback' };
  const [method, path] = routeKey.split(' ');
  return { routeKey, method, path, functionKey: 'fn' };
}

const table = new RouteTable(
  [
    'GET /pets',
    'GET /pets/{id}',
    'GET /pets/dog',
    'ANY /pets/{id}',
    'GET /pets/{id}/toys/{toy}',
    'GET /files/{proxy+}',
    'GET /files/{name}',
    'ANY /{proxy+}',
  ].map(route),
);
const matched = (method: string, path: string) => {
  const found = table.match(method, path);
  return found && { routeKey: found.route.routeKey, pathParameters: found.pathParameters };
};

describe('RouteTable', () => {
  it('prefers literal segments, then variables, then greedy variables, from the left', () => {
    expect(matched('GET', '/pets/dog')).toEqual({ routeKey: 'GET /pets/dog', pathParameters: undefined });
    expect(matched('GET', '/pets/cat')).toEqual({
      routeKey: 'GET /pets/{id}',
      pathParameters: { id: 'cat' },
    });
    expect(matched('GET', '/files/a.txt')).toEqual({
      routeKey: 'GET /files/{name}',
      pathParameters: { name: 'a.txt' },
    });
    expect(matched('GET', '/files/a/b.txt')).toEqual({
      routeKey: 'GET /files/{proxy+}',
      pathParameters: { proxy: 'a/b.txt' },
    });
  });

  it('prefers the exact method to ANY for the same path', () => {
    expect(matched('DELETE', '/pets/cat')?.routeKey).toBe('ANY /pets/{id}');
    expect(matched('GET', '/pets/cat')?.routeKey).toBe('GET /pets/{id}');
  });

  it('decodes path parameters and names every variable', () => {
    expect(matched('GET', '/pets/caf%C3%A9/toys/ball%20red')).toEqual({
      routeKey: 'GET /pets/{id}/toys/{toy}',
      pathParameters: { id: 'café', toy: 'ball red' },
    });
    expect(matched('GET', '/pets/%E0%A4%A/toys/x')?.pathParameters).toEqual({ id: '%E0%A4%A', toy: 'x' });
  });

  it('falls back to a greedy catch-all, and matches nothing without one', () => {
    expect(matched('POST', '/anything/else')).toEqual({
      routeKey: 'ANY /{proxy+}',
      pathParameters: { proxy: 'anything/else' },
    });
    const strict = new RouteTable(['GET /pets/{id}'].map(route));
    expect(strict.match('GET', '/pets')).toBeUndefined();
    expect(strict.match('GET', '/pets/')).toBeUndefined();
    expect(strict.match('GET', '/pets/1/2')).toBeUndefined();
    expect(strict.match('POST', '/pets/1')).toBeUndefined();
  });

  it('sends what no route matches to $default', () => {
    const withDefault = new RouteTable(['GET /pets', '$default'].map(route));
    expect(withDefault.match('GET', '/pets')?.route.routeKey).toBe('GET /pets');
    expect(withDefault.match('PUT', '/x')?.route.routeKey).toBe('$default');
  });
});
