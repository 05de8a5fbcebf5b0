import type { IConstruct } from 'constructs';
import { isUnresolved, ValidationError } from './validation-error';

const LOOPBACK_HOSTS = new Set(['localhost']);
const DANGEROUS_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:']);

/**
 * Validates a callback or logout URL as Cognito does: absolute, HTTPS except `http://localhost`, no fragment.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
 */
export function validateRedirectUrl(scope: IConstruct, prop: string, value: string): void {
  if (isUnresolved(value)) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(scope, prop, value, 'is not an absolute URL', 'give a full URL such as https://app.example.com/callback');
  }
  if (url.hash || value.includes('#')) {
    throw new ValidationError(scope, prop, value, 'must not contain a fragment (#)', 'remove the fragment; Cognito appends its own');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return;
  if (url.protocol === 'http:') {
    throw new ValidationError(scope, prop, value, `uses http for host ${url.hostname}; only http://localhost may use plain http`, 'use https, or http://localhost for local development');
  }
  // Custom schemes (myapp://callback) are allowed by Cognito for native apps; schemes that run code or read
  // local files in a browser never are.
  if (DANGEROUS_SCHEMES.has(url.protocol)) {
    throw new ValidationError(scope, prop, value, `uses the ${url.protocol} scheme, which a browser would execute or read locally`, 'use https, http://localhost, or an app scheme such as myapp://callback');
  }
  if (!/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) {
    throw new ValidationError(scope, prop, value, 'has an invalid scheme', 'use https');
  }
}
