import type { FastifyPluginAsync } from 'fastify';
import type { ApiGatewayTwin } from '../apigw/api-gateway';
import type { TwinContext } from '../contracts';
import type { StackResource } from '../stack/stack-model';
import { DEMO_CSS, DEMO_HTML, DEMO_JS } from './private/page';

/** What the callback page needs to sign in and call the API; served at `/callback/config.json`. */
export interface DemoConfig {
  readonly client: {
    /** The app client's id (26 characters in the twin, as on Cognito). */
    readonly id: string;
    readonly name: string;
    /** The registered callback URL the page signs in with (the first one ending in `/callback`). */
    readonly redirectUri: string;
    /** The first registered logout URL, if any. */
    readonly logoutUri?: string;
    /** `code` and/or `implicit`. */
    readonly flows: readonly string[];
    readonly scopes: readonly string[];
  };
  readonly hostedUi: {
    /** `/auth/<domain prefix>`: the page uses it relative to its own origin, so that cookies and CORS never differ. */
    readonly path: string;
    /** `<base>/auth/<domain prefix>`. */
    readonly url: string;
  };
  readonly apis: readonly {
    readonly name: string;
    readonly stage: string;
    /** `/<apiId>/<stage>`, relative to the page's origin. */
    readonly invokePath: string;
    /** `<base>/<apiId>/<stage>`. */
    readonly invokeUrl: string;
    readonly routes: readonly { readonly httpMethod: string; readonly path: string; readonly authorization: string; readonly scopes: readonly string[] }[];
  }[];
}

/** Why there is no demo configuration (answered as 404 with this message). */
export class DemoUnavailable extends Error {}

const PAGE_HEADERS = {
  'cache-control': 'no-store',
  // The callback URL carries a code or tokens: never send it on as a referrer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * Derives the demo page's configuration from the stack: the first app client with a callback URL ending in
 * `/callback`, the hosted UI domain of its pool, and every REST API stage with its routes.
 */
export function demoConfig(ctx: TwinContext, gateway: ApiGatewayTwin): DemoConfig {
  const { stack } = ctx;
  for (const client of stack.resources('aws_cognito_user_pool_client')) {
    const callbacks = list(safeResolve(ctx, client, 'callback_urls'));
    const redirectUri = callbacks.find((u) => /^https?:\/\/[^/]+\/callback$/.test(u));
    if (!redirectUri) continue;
    const id = stack.attributesOf(client.address)?.['id'];
    if (typeof id !== 'string') throw new DemoUnavailable(`${client.address} has not been built by the twin's Cognito part.`);
    const poolId = safeResolve(ctx, client, 'user_pool_id');
    const domain = stack.resources('aws_cognito_user_pool_domain').find((d) => safeResolve(ctx, d, 'user_pool_id') === poolId);
    const prefix = domain ? safeResolve(ctx, domain, 'domain') : undefined;
    if (typeof prefix !== 'string') throw new DemoUnavailable(`The pool of ${client.address} has no aws_cognito_user_pool_domain: the hosted UI needs one.`);
    const base = ctx.baseUrl().replace(/\/+$/, '');
    const name = safeResolve(ctx, client, 'name');
    return {
      client: {
        id,
        name: typeof name === 'string' ? name : client.name,
        redirectUri,
        logoutUri: list(safeResolve(ctx, client, 'logout_urls'))[0],
        flows: list(safeResolve(ctx, client, 'allowed_oauth_flows')),
        scopes: list(safeResolve(ctx, client, 'allowed_oauth_scopes')),
      },
      hostedUi: { path: `/auth/${prefix}`, url: `${base}/auth/${prefix}` },
      apis: gateway.apis().flatMap((api) =>
        api.stages.map((stage) => ({
          name: api.name,
          stage: stage.name,
          invokePath: `/${api.id}/${stage.name}`,
          invokeUrl: stage.invokeUrl,
          routes: api.routes.map(({ httpMethod, path, authorization, scopes }) => ({ httpMethod, path, authorization, scopes })),
        })),
      ),
    };
  }
  throw new DemoUnavailable('The stack declares no app client with a callback URL ending in /callback. Add one (e.g. http://localhost:4010/callback) to use the demo page.');
}

/**
 * The demo callback page of the twin: `/callback` (HTML), `/callback/app.js`, `/callback/style.css` and
 * `/callback/config.json`; `/` sends a browser to it (the dev stack's logout URL lands there).
 */
export function demoPlugin(ctx: TwinContext, gateway: ApiGatewayTwin): FastifyPluginAsync {
  return async (app) => {
    app.get('/callback', { config: { errorStyle: 'html' } }, async (_req, reply) => reply.headers({ ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }).send(DEMO_HTML));
    app.get('/callback/app.js', async (_req, reply) => reply.headers({ ...PAGE_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }).send(DEMO_JS));
    app.get('/callback/style.css', async (_req, reply) => reply.headers({ ...PAGE_HEADERS, 'content-type': 'text/css; charset=utf-8' }).send(DEMO_CSS));
    app.get('/callback/config.json', { config: { errorStyle: 'apigw' } }, async (_req, reply) => {
      reply.headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-type': 'application/json' });
      try {
        return reply.send(JSON.stringify(demoConfig(ctx, gateway)));
      } catch (err) {
        if (err instanceof DemoUnavailable) return reply.code(404).send(JSON.stringify({ message: err.message }));
        throw err;
      }
    });
    app.get('/', async (_req, reply) => reply.redirect('/callback', 302));
  };
}

function safeResolve(ctx: TwinContext, r: StackResource, key: string): unknown {
  try {
    return ctx.stack.resolve(r.config[key], r.address);
  } catch {
    return undefined;
  }
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
