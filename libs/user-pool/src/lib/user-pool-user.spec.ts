import { ValidationError } from '@secure-api/core';
import { Match, Template } from '@secure-api/testing';
import { Fn, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { UserPool } from './user-pool';
import { MessageAction, UserPoolUser, type UserPoolUserOptions } from './user-pool-user';
import { newPool, synthPool, synthWithProvider } from '../test/helpers';

const USER = 'aws_cognito_user';

const synthUser = (options: UserPoolUserOptions): Template => synthPool((pool) => pool.addUser('Ann', options));

describe('UserPoolUser', () => {
  it('defaults: email as username, verified, Cognito-generated password sent by email', () => {
    let user!: UserPoolUser;
    const t = synthWithProvider((stack) => {
      user = new UserPool(stack, 'Pool').addUser('Ann', { email: 'ann@example.com' });
      new TerraformOutput(stack, 'sub', { value: user.sub });
    });
    t.resourceCountIs(USER, 1);
    t.hasResourceProperties(USER, {
      user_pool_id: Template.ref(t.resource('aws_cognito_user_pool'), 'id'),
      username: 'ann@example.com',
      attributes: Match.exact({ email: 'ann@example.com', email_verified: 'true' }),
      temporary_password: Match.absent(),
      password: Match.absent(),
      message_action: Match.absent(),
      desired_delivery_mediums: ['EMAIL'],
    });
    expect(user.username).toBe('ann@example.com');
    expect(user.email).toBe('ann@example.com');
    expect(t.outputs()['sub'].value).toBe(Template.ref(t.resource(USER), 'sub'));
  });

  it('reads the temporary password from a sensitive Terraform variable', () => {
    const t = synthWithProvider((stack) => {
      const pool = new UserPool(stack, 'Pool');
      const pw = new TerraformVariable(stack, 'ann_temporary_password', { type: 'string', sensitive: true });
      pool.addUser('Ann', { email: 'ann@example.com', temporaryPassword: pw });
      pool.addUser('Bob', { email: 'bob@example.com', temporaryPassword: pw.stringValue });
    });
    expect(t.resources(USER, { temporary_password: '${var.ann_temporary_password}' })).toHaveLength(2);
    expect(t.block<Record<string, { sensitive?: boolean }>>('variable')?.['ann_temporary_password'].sensitive).toBe(true);
  });

  it('unverified email, suppressed invitation', () => {
    synthUser({ email: 'ann@example.com', emailVerified: false, messageAction: MessageAction.SUPPRESS }).hasResourceProperties(USER, {
      attributes: { email_verified: 'false' },
      message_action: 'SUPPRESS',
      desired_delivery_mediums: Match.absent(),
    });
    synthUser({ email: 'ann@example.com', messageAction: 'RESEND' }).hasResourceProperties(USER, { message_action: 'RESEND', desired_delivery_mediums: ['EMAIL'] });
  });

  it('can be created with new', () => {
    const pool = newPool();
    expect(new UserPoolUser(pool, 'Direct', { userPool: pool, email: 'd@example.com' }).resource.usernameInput).toBe('d@example.com');
  });

  describe('validation', () => {
    const add = (options: UserPoolUserOptions) => () => newPool().addUser('Ann', options);

    it('throws when the temporary password is a literal, without echoing it', () => {
      const secret = 'Hunter2!Hunter2!';
      expect(add({ email: 'ann@example.com', temporaryPassword: secret })).toThrow(ValidationError);
      expect(add({ email: 'ann@example.com', temporaryPassword: secret })).toThrow(
        'test/Pool/Ann: invalid temporaryPassword "(a literal string, not shown)": a password must never be written in code. Fix: pass a sensitive TerraformVariable',
      );
      const error = caught(add({ email: 'ann@example.com', temporaryPassword: secret }));
      expect(error?.message).not.toContain(secret);
      expect(error?.value).not.toBe(secret);
    });

    it('throws when the variable is not sensitive or not a string', () => {
      const pool = newPool();
      const stack = TerraformStack.of(pool);
      const plain = new TerraformVariable(stack, 'plain', { type: 'string' });
      expect(() => pool.addUser('A', { email: 'a@example.com', temporaryPassword: plain })).toThrow(/invalid temporaryPassword "var.plain": the variable is not sensitive.*Fix: declare it with sensitive: true/);
      const num = new TerraformVariable(stack, 'num', { type: 'number', sensitive: true });
      expect(() => pool.addUser('B', { email: 'b@example.com', temporaryPassword: num })).toThrow(/the variable has type number/);
    });

    it('throws when a token is not a plain reference to a sensitive variable of the stack, without echoing it', () => {
      const pool = newPool();
      const stack = TerraformStack.of(pool);
      const plain = new TerraformVariable(stack, 'plain', { type: 'string' });
      expect(() => pool.addUser('A', { email: 'a@example.com', temporaryPassword: plain.stringValue })).toThrow(/test\/Pool\/A: invalid temporaryPassword "var.plain": the variable is not sensitive/);
      const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
      for (const [id, token] of [['B', Fn.lower(secret.stringValue)], ['C', `Hunter2!${secret.stringValue}`]]) {
        const error = caught(() => pool.addUser(id, { email: `${id.toLowerCase()}@example.com`, temporaryPassword: token }));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error?.message).toContain(`test/Pool/${id}: invalid temporaryPassword "(a token, not shown)": is not a plain reference to a Terraform variable of this stack`);
        expect(error?.message).not.toContain('Hunter2');
      }
    });

    it('throws when the password variable has a default', () => {
      const pool = newPool();
      const withDefault = new TerraformVariable(TerraformStack.of(pool), 'pw', { type: 'string', sensitive: true, default: 'Hunter2!Hunter2!' });
      for (const [id, value] of [['A', withDefault], ['B', withDefault.stringValue]] as const) {
        expect(() => pool.addUser(id, { email: 'ann@example.com', temporaryPassword: value })).toThrow(/invalid temporaryPassword "var.pw": the variable has a default.*Fix: remove the default/);
      }
    });

    it('throws when the email is not an email address', () => {
      expect(add({ email: 'ann' })).toThrow(/test\/Pool\/Ann: invalid email "ann": is not an email address/);
      expect(add({ email: 'ann @example.com' })).toThrow(/invalid email/);
    });

    it('throws when two users of a pool share an email, whatever its case', () => {
      const pool = newPool();
      pool.addUser('Ann', { email: 'ann@example.com' });
      expect(() => pool.addUser('Ann2', { email: 'Ann@Example.com' })).toThrow(
        'test/Pool/Ann2: invalid email "Ann@Example.com": is already the username of test/Pool/Ann (usernames are emails, compared without case). Fix: give each user of the pool its own email',
      );
      expect(() => newPool().addUser('Ann', { email: 'ann@example.com' })).not.toThrow();
    });

    it('throws when the message action is unknown', () => {
      expect(add({ email: 'ann@example.com', messageAction: 'SEND' as MessageAction })).toThrow(/invalid messageAction "SEND"/);
    });
  });
});

function caught(fn: () => unknown): ValidationError | undefined {
  try {
    fn();
  } catch (e) {
    return e as ValidationError;
  }
  return undefined;
}
