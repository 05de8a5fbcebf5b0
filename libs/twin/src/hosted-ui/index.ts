import type { FastifyInstance } from 'fastify';
import { acceptFormsOnly } from '../cognito/oauth';
import { changePasswordPage } from './change-password';
import type { HostedUiContext } from './context';
import { errorPages } from './error-pages';
import { loginPages } from './login';

export type { HostedUiContext } from './context';
export { SessionStore, SESSION_TTL_MS } from './sessions';

/**
 * The hosted UI's pages on every domain (`/auth/<domain>/...`): sign-in, the first sign-in's password change, the
 * error and signed-out pages. Each domain's cookies (path-scoped) and sessions are its own; the OAuth endpoints the
 * pages lead to are Cognito's (`cognito/oauth`).
 */
export async function hostedUiPlugin(app: FastifyInstance, ctx: HostedUiContext): Promise<void> {
  await acceptFormsOnly(app);
  loginPages(app, ctx);
  changePasswordPage(app, ctx);
  errorPages(app, ctx);
}
