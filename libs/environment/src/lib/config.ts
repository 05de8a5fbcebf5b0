import type { AlarmThresholds } from '@secure-api/observability';
import type { ManagedRuleModes } from '@secure-api/waf';

/**
 * The configuration of one environment (dev, prod, ...). Each app in `apps/<env>/src/config.ts` exports one;
 * `EnvironmentStack` validates it at synth time and turns it into one Terraform stack.
 */
export interface EnvironmentConfig {
  /** Environment name: the stack name, the state key segment and the `environment` tag. Lowercase, digits, hyphens. */
  readonly name: string;
  /** Production turns on the strict policy rules (no implicit grant, https-only URLs, deletion protection, MFA). */
  readonly production: boolean;
  /** AWS region of every resource, e.g. `eu-west-1`. */
  readonly region: string;
  /** Prefix of resource names, e.g. `secure-api-dev`. */
  readonly namePrefix: string;
  /**
   * Hosted UI domain prefix: `https://<prefix>.auth.<region>.amazoncognito.com`. Globally unique per region;
   * lowercase letters, digits and hyphens; must not contain `aws`, `amazon` or `cognito`.
   */
  readonly domainPrefix: string;
  /** Where the hosted UI may send users after sign-in: https, or http://localhost. */
  readonly callbackUrls: readonly string[];
  /** Where the hosted UI may send users after sign-out: https, or http://localhost. */
  readonly logoutUrls: readonly string[];
  /**
   * Allow the implicit grant beside authorization code + PKCE (the console walk-through used it). Never in
   * production: the stack refuses it there.
   * @default false
   */
  readonly implicitGrant?: boolean;
  /**
   * Users the stack creates (admin-created, email verified, forced to change the temporary password at first
   * sign-in). No password is ever written in code: Cognito generates one, or `temporaryPasswordFromVariable`
   * reads it from a sensitive Terraform variable.
   * @default - none
   */
  readonly users?: readonly EnvironmentUser[];
  /** Stage throttling: steady requests per second and burst. `burstLimit` must be at least `rateLimit`. */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** MFA for the user pool: OFF, OPTIONAL or REQUIRED (TOTP). Production requires at least OPTIONAL. */
  readonly mfa: 'OFF' | 'OPTIONAL' | 'REQUIRED';
  /** Deletion protection on the user pool. Production requires it. */
  readonly deletionProtection: boolean;
  /**
   * Minimum password length (6 to 99). Production requires at least `PRODUCTION_POLICY.minPasswordLength` (12).
   * @default PRODUCTION_POLICY.minPasswordLength (12)
   */
  readonly passwordMinLength?: number;
  /**
   * Days to keep API access logs.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Create the account-level IAM role API Gateway needs to write execution logs (`aws_api_gateway_account`). It is
   * one setting per account and region: turn it on in exactly one stack of each, or set it up outside Terraform.
   * Without it, a first deploy to an account that never set it fails with "CloudWatch Logs role ARN must be set
   * in account settings".
   * @default false
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
   */
  readonly apiGatewayAccountRole?: boolean;
  /**
   * A WAF web ACL in front of the stage: a per-IP rate limit, an optional body size limit and AWS's managed rule
   * groups. `false` turns it off (refused in production). About $5 a month plus $1 per rule and $0.60 per million
   * requests.
   * @default - on in production (the WafConfig defaults), off elsewhere
   */
  readonly waf?: WafConfig | false;
  /**
   * Cognito threat protection. AUDIT and ENFORCED put the pool on the Plus plan (about $0.020 per monthly active
   * user instead of $0.015). Production requires ENFORCED.
   * @default - 'ENFORCED' in production, 'OFF' elsewhere
   */
  readonly threatProtection?: 'OFF' | 'AUDIT' | 'ENFORCED';
  /**
   * Email addresses subscribed to the environment's alarm topic (each confirms by a link AWS mails it).
   * @default - none: alarms still fire and show on the dashboard
   */
  readonly alarmEmails?: readonly string[];
  /**
   * When the alarms fire.
   * @default - ALARM_DEFAULTS of @secure-api/observability
   */
  readonly alarmThresholds?: AlarmThresholds;
  /**
   * Remote state in S3 (encrypted, with S3 lock files). Without it the stack uses the local backend and synth
   * says so in one line.
   * @default - local backend
   */
  readonly backend?: S3StateConfig;
  /**
   * Tags on every resource (through the provider's default_tags), beside `environment` and `managed-by`.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The web ACL of an environment (see `WebAclProps` of @secure-api/waf). */
export interface WafConfig {
  /** Requests per client IP in 5 minutes before WAF blocks it. @default 2000 */
  readonly rateLimit?: number;
  /** Block request bodies larger than this many bytes (at most 16,384). @default - no size limit */
  readonly bodySizeLimit?: number;
  /** Block or count mode per AWS managed rule group. @default - every group blocks */
  readonly managedRules?: ManagedRuleModes;
}

export interface EnvironmentUser {
  /** Email address, used as the username; created verified. */
  readonly email: string;
  /**
   * The user's stable key: its construct id is `User-<key>`, so the key is part of its Terraform address. Cognito
   * cannot rename a user, so a new email always replaces the user (the offline diff flags it); with a key, the
   * address stays and the replacement shows on the same resource instead of as a delete plus a create.
   * Letters, digits and hyphens, at most 64.
   * @default - the email's local part with every other character replaced by `-` (`demo@example.com` → `demo`)
   */
  readonly key?: string;
  /**
   * Read the temporary password from a sensitive Terraform variable (`<name>_temporary_password`) instead of
   * letting Cognito generate and email one.
   * @default false
   */
  readonly temporaryPasswordFromVariable?: boolean;
}

export interface S3StateConfig {
  /** State bucket (versioned, encrypted; see apps/bootstrap). */
  readonly bucket: string;
  /** Bucket region. @default - the environment's region */
  readonly region?: string;
  /** Key prefix: the state lives at `<keyPrefix>/<env>/terraform.tfstate`. @default 'secure-api' */
  readonly keyPrefix?: string;
  /** KMS key for state encryption. @default - the bucket's default encryption */
  readonly kmsKeyId?: string;
}
