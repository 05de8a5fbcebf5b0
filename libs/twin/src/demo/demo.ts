import type { FastifyPluginAsync } from 'fastify';
import type { ApiGatewayTwin } from '../apigw/api-gateway';
import type { CognitoDirectory } from '../cognito/pools';
import { ofTwinScheme } from '../shared/scheme';
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
 * Derives the demo page's configuration from what the twin serves: the first app client with a callback URL ending in
 * `/callback` (of the twin's scheme when it has both), the hosted UI domain of its pool, and every REST API stage with its routes.
 */
export function demoConfig(directory: CognitoDirectory, baseUrl: () => string, gateway: ApiGatewayTwin): DemoConfig {
  for (const pool of directory.all()) {
    for (const client of pool.clients) {
      const redirectUri = ofTwinScheme(client.settings.callbackUrls.filter((u) => /^https?:\/\/[^/]+\/callback$/.test(u)), baseUrl());
      if (!redirectUri) continue;
      const domain = pool.domains.find((d) => !d.custom) ?? pool.domains[0];
      if (!domain) throw new DemoUnavailable(`The pool ${pool.settings.name} of client ${client.settings.name} has no domain: the hosted UI needs one (aws_cognito_user_pool_domain).`);
      const base = baseUrl().replace(/\/+$/, '');
      return {
        client: {
          id: client.id,
          name: client.settings.name,
          redirectUri,
          logoutUri: ofTwinScheme(client.settings.logoutUrls, baseUrl()),
          flows: [...client.settings.allowedOAuthFlows],
          scopes: [...client.settings.allowedScopes],
        },
        hostedUi: { path: `/auth/${domain.domain}`, url: `${base}/auth/${domain.domain}` },
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
  }
  throw new DemoUnavailable('No app client has a callback URL ending in /callback. Add one (e.g. http://localhost:4010/callback) to use the demo page.');
}

/**
 * The demo callback page of the twin: `/callback` (HTML), `/callback/app.js`, `/callback/style.css` and
 * `/callback/config.json`; `/` sends a browser to it (the dev stack's logout URL lands there).
 */
export function demoPlugin(directory: CognitoDirectory, baseUrl: () => string, gateway: ApiGatewayTwin): FastifyPluginAsync {
  return async (app) => {
    app.get('/callback', { config: { errorStyle: 'html' } }, async (_req, reply) => reply.headers({ ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }).send(DEMO_HTML));
    app.get('/callback/app.js', async (_req, reply) => reply.headers({ ...PAGE_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }).send(DEMO_JS));
    app.get('/callback/style.css', async (_req, reply) => reply.headers({ ...PAGE_HEADERS, 'content-type': 'text/css; charset=utf-8' }).send(DEMO_CSS));
    app.get('/callback/config.json', { config: { errorStyle: 'apigw' } }, async (_req, reply) => {
      reply.headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-type': 'application/json' });
      try {
        return reply.send(JSON.stringify(demoConfig(directory, baseUrl, gateway)));
      } catch (err) {
        if (err instanceof DemoUnavailable) return reply.code(404).send(JSON.stringify({ message: err.message }));
        throw err;
      }
    });
    app.get('/', async (_req, reply) => reply.redirect('/callback', 302));
  };
}
