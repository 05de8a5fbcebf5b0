import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { Duration, durationProp, isUnresolved, regionOf, validateDuration, validateRange, ValidationError, wholeAmount } from '@secure-api/core';
import { Construct, type IConstruct } from 'constructs';
import { COGNITO_NAME, nameFromPath } from './private/names';
import { resourceServersOf } from './private/tree';
import { ResourceServer, type ResourceServerOptions } from './resource-server';
import { UserPoolClient, type UserPoolClientOptions } from './user-pool-client';
import { UserPoolDomain, type UserPoolDomainOptions } from './user-pool-domain';
import { UserPoolUser, type UserPoolUserOptions } from './user-pool-user';

/** A Cognito user pool, created here or elsewhere. Other constructs (authorizer, clients) code against this. */
export interface IUserPool extends IConstruct {
  /** The pool id, `<region>_<9 characters>` (a Terraform reference until apply). */
  readonly userPoolId: string;
  /** The pool ARN (a Terraform reference until apply). */
  readonly userPoolArn: string;
  /** `cognito-idp.<region>.amazonaws.com/<id>`: the issuer without its scheme. */
  readonly userPoolEndpoint: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<id>`: the `iss` claim of every token the pool issues. */
  readonly issuerUrl: string;
  /** `<issuer>/.well-known/jwks.json`: the public keys that verify the pool's tokens. */
  readonly jwksUrl: string;
  /** Full names `identifier/scope` of every resource-server scope defined on this pool so far. */
  readonly resourceServerScopes: readonly string[];
}

/**
 * How the pool asks for a second factor. The second factor is TOTP (an authenticator app): it needs neither SMS
 * configuration (an IAM role and SNS spending) nor a paid feature tier.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
 */
export const Mfa = {
  /** No MFA: users cannot even enrol a second factor. */
  OFF: 'OFF',
  /** Users may enrol TOTP; those who did must use it at every sign-in. */
  OPTIONAL: 'OPTIONAL',
  /** Every user must enrol TOTP (prompted after the first sign-in) and use it at every sign-in. */
  REQUIRED: 'REQUIRED',
} as const;
export type Mfa = (typeof Mfa)[keyof typeof Mfa];

const MFA_CONFIGURATION: Record<Mfa, string> = { OFF: 'OFF', OPTIONAL: 'OPTIONAL', REQUIRED: 'ON' };

/**
 * Cognito threat protection (formerly advanced security): adaptive authentication against credential stuffing and
 * compromised credentials, on the Plus feature plan.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
 */
export const ThreatProtection = {
  /** No threat protection; the pool stays on the Essentials plan. */
  OFF: 'OFF',
  /** Detect and log risky sign-ins (metrics, user event history) without acting on them; Plus plan. */
  AUDIT: 'AUDIT',
  /** Act on risk: block or require MFA for risky sign-ins and compromised credentials; Plus plan. */
  ENFORCED: 'ENFORCED',
} as const;
export type ThreatProtection = (typeof ThreatProtection)[keyof typeof ThreatProtection];

/**
 * Password rules for users' own passwords and for temporary passwords.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
 */
export interface PasswordPolicy {
  /**
   * Minimum length, 6 to 99. Production stacks use at least 12 (security policy `pool-password-policy`).
   * @default 8
   */
  readonly minLength?: number;
  /**
   * Require a lowercase letter.
   * @default true
   */
  readonly requireLowercase?: boolean;
  /**
   * Require an uppercase letter.
   * @default true
   */
  readonly requireUppercase?: boolean;
  /**
   * Require a digit.
   * @default true
   */
  readonly requireDigits?: boolean;
  /**
   * Require a symbol from Cognito's set (`^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + -`).
   * @default true
   */
  readonly requireSymbols?: boolean;
  /**
   * How long an administrator-set or generated temporary password stays valid: whole days, 0 to 365. After that only
   * an administrator can reset it.
   * @default Duration.days(7)
   */
  readonly temporaryPasswordValidity?: Duration;
  /**
   * Days an administrator-set or generated temporary password stays valid, 0 to 365.
   * @deprecated Use `temporaryPasswordValidity`, e.g. `temporaryPasswordValidity: Duration.days(7)`.
   * @default 7
   */
  readonly temporaryPasswordValidityDays?: number;
}

export interface UserPoolProps {
  /**
   * The pool's name (1 to 128 of letters, digits, spaces and `_+=,.@-`). Changing it REPLACES the pool, and every
   * user in it is lost (the provider marks `name` force-new); so does moving the construct while relying on the
   * default.
   * @default - the construct path joined by `-`, e.g. `dev-SecureApi-UserPool`
   * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html
   */
  readonly name?: string;
  /**
   * Password rules.
   * @default - 8 characters with lowercase, uppercase, digit and symbol; temporary passwords valid 7 days (as AWS)
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
   */
  readonly passwordPolicy?: PasswordPolicy;
  /**
   * Multi-factor authentication with TOTP. OPTIONAL costs nothing and changes nothing for users who do not enrol,
   * yet lets every user protect their account; production stacks need at least OPTIONAL (security policy
   * `pool-mfa`). Use `Mfa.OFF` to mirror the console walk-through.
   * @default Mfa.OPTIONAL
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
   */
  readonly mfa?: Mfa;
  /**
   * Refuse deletion of the pool (and of every user in it) until protection is turned off. Environments set it;
   * production stacks must (security policy `pool-deletion-protection`). Off by default so that short-lived
   * stacks can be destroyed.
   * @default false
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-deletion-protection.html
   */
  readonly deletionProtection?: boolean;
  /**
   * Let anyone sign up from the hosted UI or the SignUp API. Off: only administrators create users.
   * @default false
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
   */
  readonly selfSignUpEnabled?: boolean;
  /**
   * Threat protection. `AUDIT` and `ENFORCED` put the pool on the Plus feature plan (`user_pool_tier = "PLUS"`,
   * about $0.020 per monthly active user instead of Essentials' $0.015); production stacks must enforce it
   * (security policy `pool-threat-protection`).
   * @default ThreatProtection.OFF
   * @see https://aws.amazon.com/cognito/pricing/
   */
  readonly threatProtection?: ThreatProtection;
  /**
   * Tags on the pool.
   * @default - none (the provider's default_tags still apply)
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A Cognito user pool with secure defaults: email as the username (case-insensitive) and verified
 * automatically, account recovery by verified email only, admin-only sign-up, TOTP MFA optional, and schema
 * changes ignored by Terraform (Cognito cannot change a pool's schema; a diff there would fail every apply).
 *
 * Add the hosted UI domain, app clients, resource servers and users with the `add*` methods.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools.html
 */
export class UserPool extends Construct implements IUserPool {
  readonly userPoolId: string;
  readonly userPoolArn: string;
  readonly userPoolEndpoint: string;
  readonly issuerUrl: string;
  readonly jwksUrl: string;
  /** The pool's name. */
  readonly name: string;
  /** The region the pool lives in (its stack's AwsProvider region). */
  readonly region: string;
  /** The MFA setting in force. */
  readonly mfa: Mfa;
  /** The threat protection mode in force. */
  readonly threatProtection: ThreatProtection;
  /** The underlying Terraform resource, for escape-hatch overrides. */
  readonly resource: CognitoUserPool;

  constructor(scope: Construct, id: string, props: UserPoolProps = {}) {
    super(scope, id);
    this.name = props.name ?? nameFromPath(this, 128);
    if (!isUnresolved(this.name) && (this.name.length > 128 || !COGNITO_NAME.test(this.name))) {
      throw new ValidationError(this, 'name', this.name, 'must be 1 to 128 of letters, digits, spaces and _+=,.@-', 'choose a name such as "secure-api-dev-users"');
    }
    const mfa = props.mfa ?? Mfa.OPTIONAL;
    if (!Object.hasOwn(MFA_CONFIGURATION, mfa)) {
      throw new ValidationError(this, 'mfa', mfa, 'is not an MFA setting', 'use Mfa.OFF, Mfa.OPTIONAL or Mfa.REQUIRED');
    }
    this.mfa = mfa;
    const threatProtection = props.threatProtection ?? ThreatProtection.OFF;
    if (!Object.values(ThreatProtection).includes(threatProtection)) {
      throw new ValidationError(this, 'threatProtection', threatProtection, 'is not a threat protection mode', 'use ThreatProtection.OFF, ThreatProtection.AUDIT or ThreatProtection.ENFORCED');
    }
    this.threatProtection = threatProtection;
    const pw = props.passwordPolicy ?? {};
    validateRange(this, 'passwordPolicy.minLength', pw.minLength, 6, 99, 'characters');
    validateRange(this, 'passwordPolicy.temporaryPasswordValidityDays', pw.temporaryPasswordValidityDays, 0, 365, 'days');
    const temporaryValidity = durationProp(this, 'passwordPolicy.temporaryPasswordValidity', pw.temporaryPasswordValidity, 'passwordPolicy.temporaryPasswordValidityDays', pw.temporaryPasswordValidityDays, 'days') ?? Duration.days(7);
    validateDuration(this, 'passwordPolicy.temporaryPasswordValidity', temporaryValidity, Duration.days(0), Duration.days(365));
    this.region = regionOf(this);

    this.resource = new CognitoUserPool(this, 'Resource', {
      name: this.name,
      usernameAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      // Emails are case-insensitive in practice; a case-sensitive pool would let `Ann@x.com` and `ann@x.com` be
      // two users.
      usernameConfiguration: { caseSensitive: false },
      schema: [
        {
          name: 'email',
          attributeDataType: 'String',
          required: true,
          mutable: true,
          // Cognito's own bounds for the standard attribute; stating them avoids a perpetual diff.
          stringAttributeConstraints: { minLength: '0', maxLength: '2048' },
        },
      ],
      passwordPolicy: {
        minimumLength: pw.minLength ?? 8,
        requireLowercase: pw.requireLowercase ?? true,
        requireUppercase: pw.requireUppercase ?? true,
        requireNumbers: pw.requireDigits ?? true,
        requireSymbols: pw.requireSymbols ?? true,
        temporaryPasswordValidityDays: wholeAmount(this, 'passwordPolicy.temporaryPasswordValidity', temporaryValidity, 'days'),
      },
      mfaConfiguration: MFA_CONFIGURATION[mfa],
      // AWS rejects a software-token block on a pool whose MFA is OFF.
      softwareTokenMfaConfiguration: mfa === Mfa.OFF ? undefined : { enabled: true },
      deletionProtection: props.deletionProtection ? 'ACTIVE' : 'INACTIVE',
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      adminCreateUserConfig: { allowAdminCreateUserOnly: !(props.selfSignUpEnabled ?? false) },
      // Threat protection needs the Plus plan; without it the pool keeps AWS's default plan (Essentials).
      ...(threatProtection !== ThreatProtection.OFF && { userPoolTier: 'PLUS', userPoolAddOns: { advancedSecurityMode: threatProtection } }),
      tags: props.tags ? { ...props.tags } : undefined,
      // Cognito can never remove or change a schema attribute of an existing pool (it can only add custom ones),
      // so such a difference would fail every apply ("cannot modify or remove schema items") or show as an endless
      // diff; the pool keeps the schema it was created with.
      lifecycle: { ignoreChanges: ['schema'] },
    });

    this.userPoolId = this.resource.id;
    this.userPoolArn = this.resource.arn;
    this.userPoolEndpoint = `cognito-idp.${this.region}.amazonaws.com/${this.userPoolId}`;
    this.issuerUrl = `https://${this.userPoolEndpoint}`;
    this.jwksUrl = `${this.issuerUrl}/.well-known/jwks.json`;
  }

  get resourceServerScopes(): readonly string[] {
    return resourceServersOf(this, this).flatMap((s) => s.scopeNames);
  }

  /**
   * Adds the hosted UI (managed login) domain: a Cognito prefix domain or a custom domain.
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain.html
   */
  addDomain(id: string, options: UserPoolDomainOptions): UserPoolDomain {
    return new UserPoolDomain(this, id, { ...options, userPool: this });
  }

  /**
   * Adds an app client: authorization code + PKCE on the hosted UI by default.
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
   */
  addClient(id: string, options: UserPoolClientOptions = {}): UserPoolClient {
    return new UserPoolClient(this, id, { ...options, userPool: this });
  }

  /**
   * Adds a resource server with custom scopes for access tokens.
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
   */
  addResourceServer(id: string, options: ResourceServerOptions): ResourceServer {
    return new ResourceServer(this, id, { ...options, userPool: this });
  }

  /**
   * Adds an administrator-created user with a verified email, who must change the temporary password at the
   * first sign-in.
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
   */
  addUser(id: string, options: UserPoolUserOptions): UserPoolUser {
    return new UserPoolUser(this, id, { ...options, userPool: this });
  }
}
