import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';

/** A front that serves some requests itself, ahead of Fastify's routing and body parsing. */
export interface AheadOfFastify {
  /** Whether it serves this request. */
  handles(method: string | undefined, url: string): boolean;
  /** Serves a request it handles (reading the body itself). */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * The Fastify side of such a front, for `inject` (a server built with `serve` in front never gets here): its requests
 * go to `serve` from the first hook, before Fastify reads a body. Like fastify-plugin, the hook belongs to the app it
 * is registered on, so it sees every route and the 404s.
 */
export function aheadOfFastify(front: AheadOfFastify): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    app.addHook('onRequest', (request, reply, done) => {
      if (!front.handles(request.raw.method, request.raw.url ?? '/')) {
        done();
        return;
      }
      reply.hijack();
      front.serve(request.raw, reply.raw);
    });
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
