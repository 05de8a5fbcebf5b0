import { ValidationError } from '@secure-api/core';
import { Template } from '@secure-api/testing';
import { OAuthScope } from './oauth-scope';
import { ResourceServer, type ResourceServerOptions } from './resource-server';
import { UserPool } from './user-pool';
import { newPool, synthWithProvider } from '../test/helpers';

const SERVER = 'aws_cognito_resource_server';
const READ = { name: 'orders.read', description: 'Read orders' };

describe('ResourceServer', () => {
  it('synthesizes the identifier, a name defaulting to the construct id, and the scopes', () => {
    let server!: ResourceServer;
    const t = synthWithProvider((stack) => {
      server = new UserPool(stack, 'Pool').addResourceServer('OrdersApi', { identifier: 'https://api.example.com', scopes: [READ, { name: 'orders.write', description: 'Change orders' }] });
    });
    t.resourceCountIs(SERVER, 1);
    t.hasResourceProperties(SERVER, {
      identifier: 'https://api.example.com',
      name: 'OrdersApi',
      user_pool_id: Template.ref(t.resource('aws_cognito_user_pool'), 'id'),
      scope: [
        { scope_name: 'orders.read', scope_description: 'Read orders' },
        { scope_name: 'orders.write', scope_description: 'Change orders' },
      ],
    });
    expect(server.identifier).toBe('https://api.example.com');
    expect(server.scopeNames).toEqual(['https://api.example.com/orders.read', 'https://api.example.com/orders.write']);
  });

  it('takes a name and an empty scope list', () => {
    const t = synthWithProvider((stack) => {
      new UserPool(stack, 'Pool').addResourceServer('Api', { identifier: 'api', name: 'Orders API', scopes: [] });
    });
    t.hasResourceProperties(SERVER, { name: 'Orders API', scope: [] });
  });

  it('can be created with new and registers with its pool', () => {
    const pool = newPool();
    new ResourceServer(pool, 'Direct', { userPool: pool, identifier: 'direct', scopes: [READ] });
    expect(pool.resourceServerScopes).toEqual(['direct/orders.read']);
  });

  it('scope() returns the full OAuth scope name', () => {
    const server = newPool().addResourceServer('Api', { identifier: 'orders', scopes: [READ] });
    const scope = server.scope('orders.read');
    expect(scope.scopeName).toBe('orders/orders.read');
    expect(scope.isCustom).toBe(true);
    expect(OAuthScope.resourceServer(server, 'orders.read').scopeName).toBe('orders/orders.read');
  });

  describe('validation', () => {
    const add = (options: ResourceServerOptions) => () => newPool().addResourceServer('Api', options);

    it('throws when the identifier has a space, a quote or a backslash, or is empty', () => {
      for (const identifier of ['orders api', 'orders"', 'orders\\', '']) {
        expect(add({ identifier, scopes: [] })).toThrow(ValidationError);
        expect(add({ identifier, scopes: [] })).toThrow(`test/Pool/Api: invalid identifier ${JSON.stringify(identifier)}: must be 1 to 256 printable characters`);
      }
    });

    it('throws when two resource servers of a pool share an identifier', () => {
      const pool = newPool();
      pool.addResourceServer('A', { identifier: 'orders', scopes: [] });
      expect(() => pool.addResourceServer('B', { identifier: 'orders', scopes: [] })).toThrow(/test\/Pool\/B: invalid identifier "orders": is already used by another resource server of this pool/);
    });

    it('throws when a scope name has a slash or a space', () => {
      expect(add({ identifier: 'orders', scopes: [{ name: 'orders/read', description: 'x' }] })).toThrow(/invalid scopes\[0\].name "orders\/read": must be 1 to 256 printable characters without spaces, \//);
      expect(add({ identifier: 'orders', scopes: [READ, { name: 'read all', description: 'x' }] })).toThrow(/invalid scopes\[1\].name "read all"/);
    });

    it('throws when a scope is defined twice', () => {
      expect(add({ identifier: 'orders', scopes: [READ, READ] })).toThrow(/invalid scopes\[1\].name "orders.read": is defined twice/);
    });

    it('throws when a scope description is empty or too long', () => {
      expect(add({ identifier: 'orders', scopes: [{ name: 'a', description: '' }] })).toThrow(/invalid scopes\[0\].description "": must be 1 to 256 characters/);
      expect(add({ identifier: 'orders', scopes: [{ name: 'a', description: 'd'.repeat(257) }] })).toThrow(/invalid scopes\[0\].description/);
    });

    it('throws when there are more than 100 scopes', () => {
      const scopes = Array.from({ length: 101 }, (_, i) => ({ name: `s${i}`, description: 'S' }));
      expect(add({ identifier: 'orders', scopes })).toThrow(/invalid scopes "101 scopes": a resource server holds at most 100 scopes/);
    });

    it('throws when the name has characters Cognito refuses', () => {
      expect(add({ identifier: 'orders', name: 'orders/api', scopes: [] })).toThrow(/invalid name "orders\/api"/);
    });

    it('throws when asked for a scope it does not define', () => {
      const server = newPool().addResourceServer('Api', { identifier: 'orders', scopes: [READ] });
      expect(() => server.scope('orders.write')).toThrow('test/Pool/Api: invalid scope "orders.write": the resource server defines only "orders/orders.read"');
    });
  });
});
