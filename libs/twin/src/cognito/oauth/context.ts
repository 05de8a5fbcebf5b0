import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { CognitoDirectory, HostedDomain } from '../pools';
import type { CognitoService } from '../service';
import type { CodeStore } from './codes';
import type { SignInSessions } from './sessions';

/** What every endpoint of the OAuth server works with. */
export interface OAuthContext {
  readonly service: CognitoService;
  readonly codes: CodeStore;
  readonly sessions: SignInSessions;
}

/** Form and token request bodies are small; anything larger is refused before parsing. */
export const FORM_BODY_LIMIT = 16 * 1024;

/**
 * Cognito's forms and OAuth endpoints take application/x-www-form-urlencoded only: JSON or text bodies are 415.
 * Applies to the routes of the plugin it is called in.
 */
export async function acceptFormsOnly(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
}

/** Every route of a hosted UI domain is `/auth/:domain/...`: the domain is looked up on each request. */
export const DOMAIN_ROUTE = '/auth/:domain';

/** The hosted UI domain a request names, or undefined when no pool has it. */
export function domainOf(directory: CognitoDirectory, request: FastifyRequest): HostedDomain | undefined {
  const name = (request.params as { domain?: unknown } | undefined)?.domain;
  return typeof name === 'string' ? directory.domain(name) : undefined;
}

/**
 * The `onRequest` hook of every domain route: a domain no pool has is the twin's not-found page, before the query
 * or body is read, exactly as an unknown path is.
 */
export function knownDomain(directory: CognitoDirectory) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (domainOf(directory, request)) done();
    else reply.callNotFound();
  };
}

/** The domain of a request that passed `knownDomain`. */
export function requireDomain(directory: CognitoDirectory, request: FastifyRequest): HostedDomain {
  const domain = domainOf(directory, request);
  if (!domain) throw new Error('domain route without its knownDomain hook');
  return domain;
}
