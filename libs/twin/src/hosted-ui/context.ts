import type { OAuthContext } from '../cognito/oauth';
import type { SessionStore } from './sessions';

/** What the hosted UI's pages work with: the OAuth server's context, with the hosted UI's own session store. */
export interface HostedUiContext extends OAuthContext {
  readonly sessions: SessionStore;
}
