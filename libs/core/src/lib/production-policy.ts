/**
 * What production demands of a secure API, in one place: the environment config's checks (synth), the stack's
 * defaults and the security policy assertions (tests) all read it. Stricter than AWS's own defaults.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.2
 */
export const PRODUCTION_POLICY = {
  /** Fewest characters a production password may have (cdk-nag COG1 asks for 8; we ask for more). */
  minPasswordLength: 12,
  /** Character classes every production password must hold (the `require_*` flags of the pool's policy). */
  passwordClasses: ['lowercase', 'uppercase', 'numbers', 'symbols'] as const,
  /** The pool's MFA settings production allows, as the environment config names them. */
  mfa: ['OPTIONAL', 'REQUIRED'] as const,
  /** The same, as Terraform's `mfa_configuration` names them. */
  mfaConfiguration: ['OPTIONAL', 'ON'] as const,
  /** Production user pools keep deletion protection on. */
  deletionProtection: true,
  /** No production client may use the implicit grant (RFC 9700 §2.1.2). */
  implicitGrant: false,
  /** Production callback and logout URLs are https only (no http://localhost). */
  httpsUrlsOnly: true,
} as const;
