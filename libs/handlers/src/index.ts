/**
 * The Lambda handlers of the secure API: business code, bundled into functions by path (never imported by
 * constructs). A construct takes the entry file of a handler from {@link HANDLER_ENTRIES} and bundles it with esbuild.
 */
import * as path from 'node:path';

/** The name of each handler. */
export type HandlerName = 'me' | 'orders';

/**
 * The absolute path of each handler's entry file, for bundling: `me` (`GET /me`) and `orders` (`POST /orders`).
 * Each exports `handler(event, context)`.
 */
export const HANDLER_ENTRIES: Readonly<Record<HandlerName, string>> = Object.freeze({
  me: path.join(__dirname, 'me.ts'),
  orders: path.join(__dirname, 'orders.ts'),
});

/** The name of the function each entry file exports, for a function's `handler` setting (`<file>.handler`). */
export const HANDLER_EXPORT = 'handler';

export type { CallerIdentity } from './me';
export type { Order } from './orders';
export type { OrderInput } from './order-input';
export type { LambdaContext, ProxyEvent, ProxyHandler, ProxyResult } from './lib/types';
