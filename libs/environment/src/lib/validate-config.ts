import type { IConstruct } from 'constructs';
import { PRODUCTION_POLICY, ValidationError } from '@secure-api/core';
import type { EnvironmentConfig, EnvironmentUser, WafConfig } from './config';

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const USER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/**
 * Checks an environment config before any construct sees it, so a typo in `apps/<env>/src/config.ts` is named
 * at synth time with the config key at fault. Construct-level rules (domain prefix, callback URLs, throttling,
 * implicit grant in production) are enforced by the constructs themselves.
 */
export function validateConfig(scope: IConstruct, config: EnvironmentConfig): void {
  const err = (prop: string, value: unknown, problem: string, fix: string) => new ValidationError(scope, `config.${prop}`, value, problem, fix);
  if (!NAME.test(config.name)) throw err('name', config.name, 'must be 1-32 lowercase letters, digits or hyphens, starting with a letter', 'use a name such as "dev" or "prod"');
  if (!REGION.test(config.region)) throw err('region', config.region, 'is not an AWS region name', 'use a region such as "eu-west-1"');
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(config.namePrefix)) throw err('namePrefix', config.namePrefix, 'must be 1-40 lowercase letters, digits or hyphens', 'use a prefix such as "secure-api-dev"');
  if (typeof config.production !== 'boolean') throw err('production', config.production, 'must be true or false', 'set production: true only for production');
  const policy = PRODUCTION_POLICY;
  if (config.production && (config.implicitGrant ?? false) !== policy.implicitGrant) throw err('implicitGrant', config.implicitGrant, 'the implicit grant is forbidden in production (RFC 9700 §2.1.2)', 'remove implicitGrant; clients use authorization code + PKCE');
  if (config.production && config.deletionProtection !== policy.deletionProtection) throw err('deletionProtection', config.deletionProtection, 'production user pools must have deletion protection', 'set deletionProtection: true');
  if (config.production && !(policy.mfa as readonly string[]).includes(config.mfa)) throw err('mfa', config.mfa, 'production requires MFA at least OPTIONAL', `set mfa: ${policy.mfa.map((m) => `'${m}'`).join(' or ')}`);
  if (config.production && config.waf === false) throw err('waf', config.waf, 'production stages must have a WAF web ACL (security policy api-stage-waf)', 'remove waf: false, or tune it: waf: { rateLimit: 2000 }');
  const threat = threatProtectionOf(config);
  if (!['OFF', 'AUDIT', 'ENFORCED'].includes(threat)) throw err('threatProtection', threat, 'must be OFF, AUDIT or ENFORCED', "use threatProtection: 'ENFORCED'");
  if (config.production && threat !== 'ENFORCED') throw err('threatProtection', threat, 'production user pools must enforce threat protection (security policy pool-threat-protection)', "set threatProtection: 'ENFORCED', or leave it out");
  if (!['OFF', 'OPTIONAL', 'REQUIRED'].includes(config.mfa)) throw err('mfa', config.mfa, 'must be OFF, OPTIONAL or REQUIRED', "use mfa: 'OPTIONAL'");
  const minLength = passwordMinLengthOf(config);
  if (config.production && minLength < policy.minPasswordLength) throw err('passwordMinLength', minLength, `production requires passwords of at least ${policy.minPasswordLength} characters`, `set passwordMinLength to ${policy.minPasswordLength} or more`);
  if (!Array.isArray(config.callbackUrls) || config.callbackUrls.length === 0) throw err('callbackUrls', config.callbackUrls, 'at least one callback URL is required', 'add the URL your app receives sign-ins on');
  if (!Array.isArray(config.logoutUrls) || config.logoutUrls.length === 0) throw err('logoutUrls', config.logoutUrls, 'at least one logout URL is required', 'add the URL users land on after sign-out');
  const seen = new Set<string>();
  const keys = new Map<string, number>();
  (config.users ?? []).forEach((u, i) => {
    if (typeof u?.email !== 'string' || !EMAIL.test(u.email)) throw err(`users[${i}].email`, u?.email, 'is not an email address', 'use an address such as "demo@example.com"');
    if (seen.has(u.email.toLowerCase())) throw err(`users[${i}].email`, u.email, 'is listed twice', 'remove the duplicate user');
    seen.add(u.email.toLowerCase());
    if (u.key !== undefined && (typeof u.key !== 'string' || !USER_KEY.test(u.key))) throw err(`users[${i}].key`, u.key, 'must be 1-64 letters, digits or hyphens, starting with a letter or digit', 'use a key such as "demo"');
    const key = userKeyOf(u, i);
    const other = keys.get(key);
    if (other !== undefined) throw err(`users[${i}].key`, key, `is also the key of users[${other}] (keys name Terraform addresses)`, `give users[${i}] its own key: key: '${key}-2'`);
    keys.set(key, i);
  });
  if (config.backend) {
    if (!BUCKET.test(config.backend.bucket)) throw err('backend.bucket', config.backend.bucket, 'is not a valid S3 bucket name', 'use the bucket created by the bootstrap stack');
    if (config.backend.region !== undefined && !REGION.test(config.backend.region)) throw err('backend.region', config.backend.region, 'is not an AWS region name', 'use a region such as "eu-west-1"');
    const prefix = config.backend.keyPrefix;
    if (prefix !== undefined && (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(prefix) || prefix.split('/').some((seg) => /^\.+$/.test(seg)))) {
      throw err('backend.keyPrefix', config.backend.keyPrefix, 'must be path segments of letters, digits, dots, underscores or hyphens', 'use a prefix such as "secure-api"');
    }
  }
  for (const [k, v] of Object.entries(config.tags ?? {})) {
    if (typeof v !== 'string' || k.length === 0 || k.length > 128 || v.length > 256 || k.startsWith('aws:')) {
      throw err(`tags.${k}`, v, 'is not a valid tag (key 1-128 characters, not aws:, value a string up to 256)', 'fix or remove the tag');
    }
  }
}

/** The pool's threat protection: as configured, else ENFORCED in production and OFF elsewhere. */
export function threatProtectionOf(config: EnvironmentConfig): 'OFF' | 'AUDIT' | 'ENFORCED' {
  return config.threatProtection ?? (config.production ? 'ENFORCED' : 'OFF');
}

/** The web ACL's settings, or undefined when the environment has none (off by default outside production). */
export function wafOf(config: EnvironmentConfig): WafConfig | undefined {
  if (config.waf === false) return undefined;
  return config.waf ?? (config.production ? {} : undefined);
}

/** The pool's minimum password length: as configured, else the production minimum (every environment's default). */
export function passwordMinLengthOf(config: EnvironmentConfig): number {
  return config.passwordMinLength ?? PRODUCTION_POLICY.minPasswordLength;
}

/**
 * A user's key (construct id `User-<key>`, part of its Terraform address): the one given, else the email's local
 * part with every character other than a letter or digit replaced by `-`, else `user<i>`.
 */
export function userKeyOf(user: EnvironmentUser, index: number): string {
  return user.key ?? (user.email.split('@')[0].replace(/[^A-Za-z0-9]/g, '-') || `user${index}`);
}
