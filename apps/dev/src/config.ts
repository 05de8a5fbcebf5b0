import type { EnvironmentConfig } from '@secure-api/environment';

/**
 * dev: the console walk-through as code. The implicit grant is on beside code + PKCE (the walk-through used it),
 * MFA is off, and the callbacks are the local twin's demo page, so `npm start` works without AWS. State lives in the
 * bucket of apps/bootstrap, like prod's, so CI deploys keep it.
 */
export const config: EnvironmentConfig = {
  name: 'dev',
  production: false,
  region: 'eu-west-1',
  namePrefix: 'secure-api-dev',
  domainPrefix: 'secure-api-dev-login',
  // The twin's demo page, over HTTP (`npm start`) and over HTTPS (`npm run start:tls`).
  callbackUrls: ['http://localhost:4010/callback', 'https://localhost:4010/callback'],
  logoutUrls: ['http://localhost:4010/', 'https://localhost:4010/'],
  implicitGrant: true,
  users: [{ email: 'demo@example.com' }],
  throttling: { rateLimit: 50, burstLimit: 100 },
  mfa: 'OFF',
  deletionProtection: false,
  passwordMinLength: 12,
  logRetentionDays: 30,
  backend: { bucket: 'secure-api-terraform-state', keyPrefix: 'secure-api' },
  tags: { owner: 'platform-team' },
};
