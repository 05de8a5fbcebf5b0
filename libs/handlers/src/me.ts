/**
 * `GET /me` behind a Cognito user pools authorizer: answers who the caller is, from the claims API Gateway verified.
 * Bundled on its own (by path) into a Lambda function; imports only node built-ins and files of this folder.
 */
import { booleanClaim, listClaim, logMissingAuthorizer, readClaims, timeClaim, type Claims } from './lib/claims';
import { unexpectedError } from './lib/faults';
import { jsonResponse, unauthorized } from './lib/http';
import type { LambdaContext, ProxyEvent, ProxyResult } from './lib/types';

/** The body of a 200 from `GET /me`. Optional fields are present only when the token carries the claim. */
export interface CallerIdentity {
  /** The user's unique, immutable id (`sub`). */
  readonly sub: string;
  /** `cognito:username` (ID tokens) or `username` (access tokens). */
  readonly username?: string;
  readonly email?: string;
  /** `email_verified`, as a boolean. */
  readonly emailVerified?: boolean;
  /** `cognito:groups`; empty when the user is in none. */
  readonly groups: readonly string[];
  /** `token_use`: `id` or `access`. */
  readonly tokenUse?: string;
  /** `iss`: the user pool's issuer URL. */
  readonly issuer?: string;
  /** The app client the token was issued to: `aud` of an ID token, `client_id` of an access token. */
  readonly clientId?: string;
  /** `auth_time`, in seconds since the epoch. */
  readonly authTime?: number;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt?: number;
  /** API Gateway's id of this request (`requestContext.requestId`). */
  readonly requestId?: string;
}

/** The Lambda entry point of `GET /me`. Never throws: a fault of its own is logged and answered with a 500. */
export async function handler(event: ProxyEvent, context: LambdaContext): Promise<ProxyResult> {
  try {
    return respond(event);
  } catch (error) {
    return unexpectedError('GET /me', error, context);
  }
}

function respond(event: ProxyEvent): ProxyResult {
  const claims = readClaims(event);
  if (!claims) {
    logMissingAuthorizer(event, 'GET /me');
    return unauthorized();
  }
  return jsonResponse(200, callerIdentity(claims, event.requestContext?.requestId));
}

/** The identity `claims` describe; fields whose claim is absent are left out. */
export function callerIdentity(claims: Claims, requestId?: string): CallerIdentity {
  const tokenUse = claims['token_use'];
  const identity: CallerIdentity = {
    sub: claims.sub,
    username: claims['cognito:username'] ?? claims['username'],
    email: claims['email'],
    emailVerified: booleanClaim(claims['email_verified']),
    groups: listClaim(claims['cognito:groups']),
    tokenUse,
    issuer: claims['iss'],
    clientId: tokenUse === 'access' ? claims['client_id'] : (claims['aud'] ?? claims['client_id']),
    authTime: timeClaim(claims['auth_time']),
    expiresAt: timeClaim(claims['exp']),
    requestId,
  };
  return withoutUndefined(identity);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
