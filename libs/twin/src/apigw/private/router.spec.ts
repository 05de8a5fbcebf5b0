import type { MethodModel, ResourceModel } from './model';
import { matchResource, methodFor, pathSegments } from './router';

function node(pathPart: string, path: string, children: ResourceModel[] = [], methods: string[] = ['GET']): ResourceModel {
  const m = new Map<string, MethodModel>();
  for (const httpMethod of methods) m.set(httpMethod, { address: `${path} ${httpMethod}`, httpMethod, authorization: 'NONE', scopes: [], apiKeyRequired: false, integrationResponses: [] });
  return { id: path, path, pathPart, children, methods: m };
}

// /  /users  /users/me  /users/{id}  /users/{id}/posts  /files/{path+}  /{proxy+}
const root = node('', '/', [
  node('users', '/users', [node('me', '/users/me'), node('{id}', '/users/{id}', [node('posts', '/users/{id}/posts')])]),
  node('files', '/files', [node('{path+}', '/files/{path+}', [], ['ANY'])]),
  node('{proxy+}', '/{proxy+}', [], ['ANY']),
]);

const match = (path: string) => {
  const m = matchResource(root, pathSegments(path));
  return m ? { path: m.resource.path, params: m.params } : undefined;
};

describe('routing', () => {
  it('matches the root and static paths', () => {
    expect(match('/')).toEqual({ path: '/', params: {} });
    expect(match('/users')).toEqual({ path: '/users', params: {} });
  });

  it('prefers a static segment over a path variable', () => {
    expect(match('/users/me')).toEqual({ path: '/users/me', params: {} });
    expect(match('/users/42')).toEqual({ path: '/users/{id}', params: { id: '42' } });
  });

  it('prefers a path variable over a greedy variable, and backtracks when a branch cannot finish', () => {
    expect(match('/users/42/posts')).toEqual({ path: '/users/{id}/posts', params: { id: '42' } });
    expect(match('/users/42/comments')).toEqual({ path: '/{proxy+}', params: { proxy: 'users/42/comments' } });
    expect(match('/users/me/posts')).toEqual({ path: '/users/{id}/posts', params: { id: 'me' } });
  });

  it('gives a greedy variable one or more segments', () => {
    expect(match('/files/a/b/c.txt')).toEqual({ path: '/files/{path+}', params: { path: 'a/b/c.txt' } });
    expect(match('/files')).toEqual({ path: '/files', params: {} });
    expect(match('/filesx')).toEqual({ path: '/{proxy+}', params: { proxy: 'filesx' } });
    expect(match('/anything/else')).toEqual({ path: '/{proxy+}', params: { proxy: 'anything/else' } });
  });

  it('decodes segments and ignores empty ones', () => {
    expect(match('/users/a%20b')).toEqual({ path: '/users/{id}', params: { id: 'a b' } });
    expect(match('/users/%E0%A4')).toEqual({ path: '/users/{id}', params: { id: '%E0%A4' } });
    expect(match('/users/')).toEqual({ path: '/users', params: {} });
    expect(match('//users//me')).toEqual({ path: '/users/me', params: {} });
  });

  it('finds nothing without a catch-all', () => {
    const small = node('', '/', [node('a', '/a')]);
    expect(matchResource(small, ['b'])).toBeUndefined();
    expect(matchResource(small, ['a', 'b'])).toBeUndefined();
  });

  it('chooses the method, else ANY', () => {
    const r = node('x', '/x', [], ['GET', 'ANY']);
    expect(methodFor(r, 'GET')?.httpMethod).toBe('GET');
    expect(methodFor(r, 'DELETE')?.httpMethod).toBe('ANY');
    expect(methodFor(node('y', '/y', [], ['GET']), 'POST')).toBeUndefined();
  });
});
