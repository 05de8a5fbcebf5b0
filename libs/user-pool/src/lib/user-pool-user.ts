import { CognitoUser } from '@cdktf/provider-aws/lib/cognito-user';
import { isUnresolved, ValidationError } from '@secure-api/core';
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { POOL_USER, userHolding } from './private/tree';
import { variableReferencedBy } from './private/variables';
import type { IUserPool } from './user-pool';

/**
 * What Cognito does with the invitation message when it creates the user.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
 */
export const MessageAction = {
  /** Send no invitation: the temporary password must reach the user another way. */
  SUPPRESS: 'SUPPRESS',
  /** Send the invitation again to a user that already exists, resetting the expiry of the temporary password. */
  RESEND: 'RESEND',
} as const;
export type MessageAction = (typeof MessageAction)[keyof typeof MessageAction];

export interface UserPoolUserOptions {
  /** The email address, also the username (the pool signs in by email). */
  readonly email: string;
  /**
   * Mark the email verified, so the user can sign in and recover the account at once.
   * @default true
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
   */
  readonly emailVerified?: boolean;
  /**
   * The temporary password, from a sensitive Terraform variable of the user's stack: the `TerraformVariable`
   * itself (`sensitive: true`, type string, no default) or its `stringValue`. Never a literal: a password in code
   * ends up in git and in the synthesized JSON, so a literal string, a variable with a default, and any token that
   * is not a plain reference to such a variable throw. The user must change it at the first sign-in.
   * @default - Cognito generates a temporary password and emails it in the invitation
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
   */
  readonly temporaryPassword?: TerraformVariable | string;
  /**
   * `SUPPRESS` to send no invitation, `RESEND` to send it again.
   * @default - Cognito emails the invitation with the temporary password
   * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
   */
  readonly messageAction?: MessageAction;
}

export interface UserPoolUserProps extends UserPoolUserOptions {
  /** The pool the user belongs to. */
  readonly userPool: IUserPool;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * An administrator-created user: status FORCE_CHANGE_PASSWORD until the first sign-in, where the user must choose
 * a new password. No password is ever written in code.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
 */
export class UserPoolUser extends Construct {
  /** Found in the tree by the next user of the pool, which must not hold the same email. */
  readonly [POOL_USER] = true as const;
  /** The email this user holds in its pool, set once the constructor has accepted it. */
  claimedEmail?: string;
  /** The pool the user belongs to. */
  readonly userPool: IUserPool;
  /** The username, which is the email address. */
  readonly username: string;
  /** The email address. */
  readonly email: string;
  /** The underlying Terraform resource. */
  readonly resource: CognitoUser;

  constructor(scope: Construct, id: string, props: UserPoolUserProps) {
    super(scope, id);
    if (!isUnresolved(props.email) && !EMAIL.test(props.email)) {
      throw new ValidationError(this, 'email', props.email, 'is not an email address (the pool signs in by email)', 'use an address such as ann@example.com');
    }
    if (props.messageAction !== undefined && !Object.values(MessageAction).includes(props.messageAction)) {
      throw new ValidationError(this, 'messageAction', props.messageAction, 'is not a message action', 'use MessageAction.SUPPRESS or MessageAction.RESEND');
    }
    this.email = props.email;
    this.username = props.email;
    this.userPool = props.userPool;
    const suppress = props.messageAction === MessageAction.SUPPRESS;
    this.resource = new CognitoUser(this, 'Resource', {
      userPoolId: props.userPool.userPoolId,
      username: props.email,
      attributes: { email: props.email, email_verified: String(props.emailVerified ?? true) },
      temporaryPassword: this.temporaryPassword(props.temporaryPassword),
      messageAction: props.messageAction,
      desiredDeliveryMediums: suppress ? undefined : ['EMAIL'],
    });
    // Claimed last, so that a user refused for another reason does not hold its email.
    if (!isUnresolved(props.email)) {
      const holder = userHolding(props.userPool, props.email, this);
      if (holder !== undefined) {
        throw new ValidationError(this, 'email', props.email, `is already the username of ${holder.node.path} (usernames are emails, compared without case)`, 'give each user of the pool its own email, or remove one of the two users');
      }
      this.claimedEmail = props.email;
    }
  }

  /** The user's `sub`, the stable id in every token (a Terraform reference). */
  get sub(): string {
    return this.resource.sub;
  }

  private temporaryPassword(value: TerraformVariable | string | undefined): string | undefined {
    if (value === undefined) return undefined;
    if (value instanceof TerraformVariable) {
      this.checkPasswordVariable(value);
      return value.stringValue;
    }
    if (!isUnresolved(value)) {
      throw new ValidationError(this, 'temporaryPassword', '(a literal string, not shown)', 'a password must never be written in code', 'pass a sensitive TerraformVariable (sensitive: true), or omit it to let Cognito generate one');
    }
    const variable = variableReferencedBy(this, value);
    if (!variable) {
      // The value is not echoed: a token may carry literal text around a reference, and that text could be a secret.
      throw new ValidationError(this, 'temporaryPassword', '(a token, not shown)', "is not a plain reference to a Terraform variable of this stack, so nothing proves it is sensitive", 'pass the sensitive TerraformVariable itself (or its stringValue), or omit it to let Cognito generate one');
    }
    this.checkPasswordVariable(variable);
    return value;
  }

  private checkPasswordVariable(variable: TerraformVariable): void {
    const shown = `var.${variable.friendlyUniqueId}`;
    if (variable.sensitive !== true) {
      throw new ValidationError(this, 'temporaryPassword', shown, 'the variable is not sensitive, so Terraform would print the password in plans', 'declare it with sensitive: true');
    }
    if (variable.type !== undefined && variable.type !== 'string') {
      throw new ValidationError(this, 'temporaryPassword', shown, `the variable has type ${variable.type}`, 'declare it with type: "string"');
    }
    if (variable.default !== undefined) {
      throw new ValidationError(this, 'temporaryPassword', shown, 'the variable has a default, which writes the password into the code and the synthesized JSON', 'remove the default and set the value outside the code (TF_VAR_<name>, a .tfvars file kept out of git, or CI secrets)');
    }
  }
}
