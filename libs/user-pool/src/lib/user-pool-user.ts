import { CognitoUser } from '@cdktf/provider-aws/lib/cognito-user';
import { isUnresolved, ValidationError } from '@secure-api/core';
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
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
   */
  readonly emailVerified?: boolean;
  /**
   * The temporary password, from a sensitive Terraform variable: the `TerraformVariable` itself
   * (`sensitive: true`, type string) or a token of one. Never a literal: a password in code ends up in git and in
   * the synthesized JSON, so a literal string throws. The user must change it at the first sign-in.
   * @default - Cognito generates a temporary password and emails it in the invitation
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
   */
  readonly temporaryPassword?: TerraformVariable | string;
  /**
   * `SUPPRESS` to send no invitation, `RESEND` to send it again.
   * @default - Cognito emails the invitation with the temporary password
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
    const suppress = props.messageAction === MessageAction.SUPPRESS;
    this.resource = new CognitoUser(this, 'Resource', {
      userPoolId: props.userPool.userPoolId,
      username: props.email,
      attributes: { email: props.email, email_verified: String(props.emailVerified ?? true) },
      temporaryPassword: this.temporaryPassword(props.temporaryPassword),
      messageAction: props.messageAction,
      desiredDeliveryMediums: suppress ? undefined : ['EMAIL'],
    });
  }

  /** The user's `sub`, the stable id in every token (a Terraform reference). */
  get sub(): string {
    return this.resource.sub;
  }

  private temporaryPassword(value: TerraformVariable | string | undefined): string | undefined {
    if (value === undefined) return undefined;
    if (value instanceof TerraformVariable) {
      if (value.sensitive !== true) {
        throw new ValidationError(this, 'temporaryPassword', `var.${value.friendlyUniqueId}`, 'the variable is not sensitive, so Terraform would print the password in plans', 'declare it with sensitive: true');
      }
      if (value.type !== undefined && value.type !== 'string') {
        throw new ValidationError(this, 'temporaryPassword', `var.${value.friendlyUniqueId}`, `the variable has type ${value.type}`, 'declare it with type: "string"');
      }
      return value.stringValue;
    }
    if (!isUnresolved(value)) {
      throw new ValidationError(this, 'temporaryPassword', '(a literal string, not shown)', 'a password must never be written in code', 'pass a sensitive TerraformVariable (sensitive: true), or omit it to let Cognito generate one');
    }
    return value;
  }
}
