import type { StackModel } from '../stack/stack-model';
import type { DeclaredUserOf } from './pools';
import type { CognitoService } from './service';

/** A user the stack declares, after the twin made sure it exists. */
export interface StackUserReport {
  /** Terraform address of the `aws_cognito_user`. */
  readonly address: string;
  readonly poolId: string;
  /** The name the stack gives (an email in pools that sign in by email). */
  readonly username: string;
  /** The user name Cognito reports (the `sub` in pools that sign in by email). */
  readonly cognitoUsername: string;
  readonly status: string;
  /**
   * The temporary password valid now, when the user has not yet replaced it: generated at this start (printed
   * once), or the one the stack sets.
   */
  readonly temporaryPassword?: string;
  /** Whether the twin generated `temporaryPassword` at this start. */
  readonly generated: boolean;
}

/**
 * Creates the stack's users that the store does not hold yet. A user that never signed in and has no password in
 * the stack gets a fresh generated temporary password at each start (the store keeps only hashes), so that the one
 * printed is always valid; users who changed their password keep it.
 */
export async function createStackUsers(service: CognitoService, stack: StackModel, declared: readonly DeclaredUserOf[]): Promise<StackUserReport[]> {
  const reports: StackUserReport[] = [];
  for (const { pool, resource, user: decl } of declared) {
    let user = service.findUser(pool, decl.username);
    let temporaryPassword: string | undefined;
    let generated = false;
    if (!user) {
      const made = await service.createUser(pool, {
        username: decl.username,
        attributes: decl.attributes,
        temporaryPassword: decl.password === undefined ? decl.temporaryPassword : undefined,
        permanentPassword: decl.password,
        enabled: decl.enabled,
      });
      user = made.user;
      temporaryPassword = made.temporaryPassword;
      generated = decl.password === undefined && decl.temporaryPassword === undefined;
    } else if (user.status === 'FORCE_CHANGE_PASSWORD') {
      if (decl.temporaryPassword === undefined) {
        temporaryPassword = await service.resetTemporaryPassword(pool, user);
        generated = true;
      } else {
        temporaryPassword = decl.temporaryPassword;
      }
      user = service.findUser(pool, decl.username) ?? user;
    }
    stack.register(resource.address, {
      username: decl.username,
      attributes: decl.attributes,
      enabled: decl.enabled,
      id: `${pool.id}/${user.username}`,
      user_pool_id: pool.id,
      sub: user.sub,
      status: user.status,
      creation_date: new Date(user.createdAt).toISOString(),
      last_modified_date: new Date(user.updatedAt).toISOString(),
      mfa_setting_list: [],
      preferred_mfa_setting: '',
    });
    reports.push({ address: resource.address, poolId: pool.id, username: decl.username, cognitoUsername: user.username, status: user.status, temporaryPassword, generated });
  }
  return reports;
}
