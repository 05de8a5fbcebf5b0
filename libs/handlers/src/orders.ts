/**
 * `POST /orders` behind a Cognito user pools authorizer (the method's scope, e.g. `api/orders.write`, is checked by
 * API Gateway): checks the JSON body and answers 201 with the order received. Bundled on its own (by path) into a
 * Lambda function; imports only node built-ins and files of this folder.
 */
import { randomBytes } from 'node:crypto';
import { readJsonBody } from './lib/body';
import { logMissingAuthorizer, readClaims } from './lib/claims';
import { unexpectedError } from './lib/faults';
import { header, mediaType } from './lib/headers';
import { errorResponse, jsonResponse, unauthorized } from './lib/http';
import type { LambdaContext, ProxyEvent, ProxyResult } from './lib/types';
import { parseOrderInput, type OrderInput } from './order-input';

/** The body of a 201 from `POST /orders`. */
export interface Order extends OrderInput {
  /** `ord_` and 20 random base32 characters. */
  readonly id: string;
  readonly status: 'received';
  /** When the order was received (ISO 8601, UTC). */
  readonly createdAt: string;
  /** The `sub` of the caller. */
  readonly createdBy: string;
}

/** The messages of the body-level refusals (field-level ones come from `parseOrderInput`). */
export const ORDER_MESSAGES = Object.freeze({
  missingBody: 'The request body is missing: send a JSON object with item and quantity.',
  invalidJson: 'The request body is not valid JSON.',
  unsupportedMediaType: 'Content-Type must be application/json.',
});

/** The Lambda entry point of `POST /orders`. Never throws: bad input is a 4xx, a fault of its own a logged 500. */
export async function handler(event: ProxyEvent, context: LambdaContext): Promise<ProxyResult> {
  try {
    return respond(event);
  } catch (error) {
    return unexpectedError('POST /orders', error, context);
  }
}

function respond(event: ProxyEvent): ProxyResult {
  const claims = readClaims(event);
  if (!claims) {
    logMissingAuthorizer(event, 'POST /orders');
    return unauthorized();
  }
  const input = readInput(event);
  if (!input.ok) return input.response;
  const order = receiveOrder(input.value, claims.sub, new Date());
  return jsonResponse(201, order, { location: `/orders/${order.id}` });
}

type Input = { readonly ok: true; readonly value: OrderInput } | { readonly ok: false; readonly response: ProxyResult };

/** The order in the request, or the 400/415 that refuses it. */
function readInput(event: ProxyEvent): Input {
  const body = readJsonBody(event);
  if (!body.ok && body.reason === 'missing') return refuse(400, ORDER_MESSAGES.missingBody);
  if (mediaType(header(event, 'content-type')) !== 'application/json') return refuse(415, ORDER_MESSAGES.unsupportedMediaType);
  if (!body.ok) return refuse(400, ORDER_MESSAGES.invalidJson);
  const parsed = parseOrderInput(body.value);
  return parsed.ok ? parsed : refuse(400, parsed.message);
}

function refuse(statusCode: number, message: string): Input {
  return { ok: false, response: errorResponse(statusCode, message) };
}

/** The order `input` becomes when `createdBy` places it at `now`. */
export function receiveOrder(input: OrderInput, createdBy: string, now: Date): Order {
  return { id: newOrderId(), ...input, status: 'received', createdAt: now.toISOString(), createdBy };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new order id: `ord_` and 20 characters of lower-case base32 (RFC 4648 alphabet), 100 random bits. */
export function newOrderId(): string {
  const bytes = randomBytes(20);
  let id = 'ord_';
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}
