import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { isUnresolved, regionOf, ValidationError } from '@secure-api/core';
import { Construct } from 'constructs';
import type { IUserPool } from './user-pool';
import type { UserPoolClient } from './user-pool-client';

/**
 * A custom domain for the hosted UI, e.g. `auth.example.com`. Cognito serves it through CloudFront, so the
 * certificate must be an ACM certificate in us-east-1, and the parent domain must already resolve.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
 */
export interface CustomDomainOptions {
  /** The fully qualified domain name, e.g. `auth.example.com`. */
  readonly domainName: string;
  /** ARN of an issued ACM certificate for `domainName`, in us-east-1. */
  readonly certificateArn: string;
}

export interface UserPoolDomainOptions {
  /**
   * Prefix of a Cognito domain, `https://<prefix>.auth.<region>.amazoncognito.com`: 1 to 63 lowercase letters,
   * digits and hyphens, not starting or ending with a hyphen, without `aws`, `amazon` or `cognito`; unique in
   * the region. Exactly one of `domainPrefix` and `customDomain`.
   * @default - none; then `customDomain` is required
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html
   */
  readonly domainPrefix?: string;
  /**
   * A custom domain with an ACM certificate. Exactly one of `domainPrefix` and `customDomain`.
   * @default - none; then `domainPrefix` is required
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
   */
  readonly customDomain?: CustomDomainOptions;
  /**
   * Which hosted pages the domain serves: 1 for the classic hosted UI, 2 for managed login (which also needs a
   * branding style per client, `aws_cognito_managed_login_branding`).
   * @default 1
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managed-login.html
   */
  readonly managedLoginVersion?: 1 | 2;
}

export interface UserPoolDomainProps extends UserPoolDomainOptions {
  /** The pool whose hosted UI the domain serves. */
  readonly userPool: IUserPool;
}

export interface SignInUrlOptions {
  /** Where to land after sign-in: one of the client's callback URLs. */
  readonly redirectUri: string;
  /**
   * `code` (authorization code, add PKCE parameters in the app) or `token` (implicit grant).
   * @default - `code` when the client allows it, else `token`
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
   */
  readonly responseType?: 'code' | 'token';
  /**
   * Scopes to request.
   * @default - every scope the client allows
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
   */
  readonly scopes?: readonly string[];
  /**
   * The hosted UI page: `/login` shows the form, `/oauth2/authorize` may skip it for a signed-in session.
   * @default '/login'
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/login-endpoint.html
   */
  readonly signInPath?: '/login' | '/oauth2/authorize';
}

const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED = ['aws', 'amazon', 'cognito'];
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

/**
 * The hosted UI (managed login) domain of a user pool: a Cognito prefix domain or a custom domain.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain.html
 */
export class UserPoolDomain extends Construct {
  /** The prefix (Cognito domain) or the fully qualified custom domain, as given. */
  readonly domainName: string;
  /** Whether this is a custom domain. */
  readonly isCustomDomain: boolean;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`, or `https://<custom domain>`; no trailing slash. */
  readonly baseUrl: string;
  /** The underlying Terraform resource. */
  readonly resource: CognitoUserPoolDomain;

  constructor(scope: Construct, id: string, props: UserPoolDomainProps) {
    super(scope, id);
    const { domainPrefix, customDomain } = props;
    if ((domainPrefix === undefined) === (customDomain === undefined)) {
      throw new ValidationError(this, 'domainPrefix', domainPrefix, 'exactly one of domainPrefix and customDomain must be set', 'give either domainPrefix: "my-app-dev" or customDomain: { domainName, certificateArn }');
    }
    if (domainPrefix !== undefined) validatePrefix(this, domainPrefix);
    if (customDomain) validateCustomDomain(this, customDomain);
    const version = props.managedLoginVersion ?? 1;
    if (version !== 1 && version !== 2) {
      throw new ValidationError(this, 'managedLoginVersion', version, 'must be 1 (hosted UI) or 2 (managed login)', 'use 1 or 2');
    }

    this.isCustomDomain = customDomain !== undefined;
    this.domainName = customDomain?.domainName ?? (domainPrefix as string);
    this.resource = new CognitoUserPoolDomain(this, 'Resource', {
      userPoolId: props.userPool.userPoolId,
      domain: this.domainName,
      certificateArn: customDomain?.certificateArn,
      managedLoginVersion: version,
    });
    this.baseUrl = this.isCustomDomain ? `https://${this.domainName}` : `https://${this.domainName}.auth.${regionOf(this)}.amazoncognito.com`;
  }

  /**
   * The CloudFront domain a custom domain's DNS alias (A/AAAA) must point to (a Terraform reference).
   */
  get cloudFrontDistribution(): string {
    return this.resource.cloudfrontDistribution;
  }

  /**
   * The hosted UI sign-in URL for `client`, e.g.
   * `https://my-app.auth.eu-west-1.amazoncognito.com/login?client_id=..&response_type=code&redirect_uri=..`.
   * Throws when `redirectUri` is not one of the client's callback URLs or the client lacks the grant.
   */
  signInUrl(client: UserPoolClient, options: SignInUrlOptions): string {
    const { authorizationCodeGrant: code, implicitCodeGrant: token } = client.oAuthFlows;
    const responseType = options.responseType ?? (code ? 'code' : 'token');
    if ((responseType === 'code' && !code) || (responseType === 'token' && !token)) {
      throw new ValidationError(client, 'oAuth.flows', client.oAuthFlows, `the client does not allow response_type=${responseType}`, responseType === 'code' ? 'enable authorizationCodeGrant on the client' : 'use responseType "code", or opt the client in to implicitCodeGrant');
    }
    checkRegistered(client, 'redirectUri', options.redirectUri, client.callbackUrls, 'oAuth.callbackUrls');
    const query = [`client_id=${client.clientId}`, `response_type=${responseType}`, `redirect_uri=${encode(options.redirectUri)}`];
    if (options.scopes?.length) query.push(`scope=${options.scopes.map(encode).join('+')}`);
    return `${this.baseUrl}${options.signInPath ?? '/login'}?${query.join('&')}`;
  }

  /**
   * The hosted UI sign-out URL for `client`: ends the Cognito session and redirects to `logoutUri`, one of the
   * client's logout URLs.
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
   */
  signOutUrl(client: UserPoolClient, logoutUri: string): string {
    checkRegistered(client, 'logoutUri', logoutUri, client.logoutUrls, 'oAuth.logoutUrls');
    return `${this.baseUrl}/logout?client_id=${client.clientId}&logout_uri=${encode(logoutUri)}`;
  }
}

function validatePrefix(scope: Construct, prefix: string): void {
  if (isUnresolved(prefix)) return;
  if (!PREFIX.test(prefix)) {
    throw new ValidationError(scope, 'domainPrefix', prefix, 'must be 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen', 'use a prefix such as "my-app-dev"');
  }
  const reserved = RESERVED.find((w) => prefix.includes(w));
  if (reserved) {
    throw new ValidationError(scope, 'domainPrefix', prefix, `contains the reserved word "${reserved}" (Cognito refuses aws, amazon and cognito)`, `choose a prefix without "${reserved}", such as "my-app-dev"`);
  }
}

function validateCustomDomain(scope: Construct, custom: CustomDomainOptions): void {
  if (!isUnresolved(custom.domainName) && !HOSTNAME.test(custom.domainName)) {
    throw new ValidationError(scope, 'customDomain.domainName', custom.domainName, 'is not a lowercase fully qualified domain name', 'use a name such as auth.example.com');
  }
  if (isUnresolved(custom.certificateArn)) return;
  const m = ACM_ARN.exec(custom.certificateArn);
  if (!m) {
    throw new ValidationError(scope, 'customDomain.certificateArn', custom.certificateArn, 'is not an ACM certificate ARN', 'use arn:aws:acm:us-east-1:<account>:certificate/<id>');
  }
  if (m[1] !== 'us-east-1') {
    throw new ValidationError(scope, 'customDomain.certificateArn', custom.certificateArn, `is in ${m[1]}; Cognito custom domains use CloudFront, which takes certificates from us-east-1 only`, 'request or import the certificate in us-east-1 (an AwsProvider with region us-east-1 and an alias)');
  }
}

function checkRegistered(client: UserPoolClient, prop: string, url: string, registered: readonly string[], list: string): void {
  if (isUnresolved(url) || registered.some(isUnresolved)) return;
  if (!registered.includes(url)) {
    throw new ValidationError(client, prop, url, `is not one of the client's ${list} (${registered.join(', ') || 'none'}); Cognito would show redirect_mismatch`, `use one of them, or add it to ${list}`);
  }
}

/** Percent-encodes a literal; a token is left alone so that Terraform can still resolve it. */
function encode(value: string): string {
  return isUnresolved(value) ? value : encodeURIComponent(value);
}
