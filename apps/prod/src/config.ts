import type { EnvironmentConfig } from '@secure-api/environment';

/**
 * prod: code + PKCE only (the stack refuses the implicit grant), https callbacks, MFA optional (TOTP),
 * deletion protection, threat protection enforced, a WAF web ACL, alarms mailed to on-call, remote state in the
 * bucket made by `apps/bootstrap`.
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
  // WAF and threat protection are on by default in production; the body limit suits the API's small JSON bodies.
  waf: { rateLimit: 2000, bodySizeLimit: 8192 },
  alarmEmails: ['platform-oncall@example.com'],
  backend: { bucket: 'secure-api-terraform-state', keyPrefix: 'secure-api' },
  tags: { owner: 'platform-team' },
};
