import type { EnvironmentConfig } from '@secure-api/environment';

/**
 * prod: code + PKCE only (the stack refuses the implicit grant), https callbacks, MFA optional (TOTP),
 * deletion protection, remote state in the bucket made by `apps/bootstrap`.
 */
export const config: EnvironmentConfig = {
  name: 'prod',
  production: true,
  region: 'eu-west-1',
  namePrefix: 'secure-api-prod',
  domainPrefix: 'secure-api-prod-login',
  callbackUrls: ['https://app.example.com/callback'],
  logoutUrls: ['https://app.example.com/'],
  users: [],
  throttling: { rateLimit: 500, burstLimit: 1000 },
  mfa: 'OPTIONAL',
  deletionProtection: true,
  passwordMinLength: 14,
  logRetentionDays: 365,
  backend: { bucket: 'secure-api-terraform-state', keyPrefix: 'secure-api' },
  tags: { owner: 'platform-team' },
};
