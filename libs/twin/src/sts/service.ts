import type { AwsAccount, QueryService } from '../aws/front';
import { xml } from '../aws/errors';
import { iamRoleActions, type IamRoles } from './iam';

/** The IAM user the twin's credentials belong to. */
export const TWIN_USER = 'twin';

/** A stable IAM-shaped user id of the account (AIDA + 17 characters). */
function userId(account: AwsAccount): string {
  return `AIDA${account.accountId.padStart(17, '0').slice(-17)}`;
}

/**
 * STS, as the AWS provider calls it at start: `GetCallerIdentity` names the account every ARN carries.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export function stsService(account: AwsAccount): QueryService {
  return {
    signingName: 'sts',
    version: '2011-06-15',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    actions: {
      GetCallerIdentity: {
        auth: 'sigv4',
        run: () => `<Arn>${xml(`arn:aws:iam::${account.accountId}:user/${TWIN_USER}`)}</Arn><UserId>${userId(account)}</UserId><Account>${account.accountId}</Account>`,
      },
    },
  };
}

/**
 * IAM's `GetUser` of the caller (what the provider asks first when credential validation is skipped but the account id
 * is still wanted), and the roles and inline policies functions run with.
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
 */
export function iamService(account: AwsAccount, roles?: IamRoles): QueryService {
  return {
    signingName: 'iam',
    version: '2010-05-08',
    xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
    actions: {
      GetUser: {
        auth: 'sigv4',
        run: () => `<User><Path>/</Path><UserName>${TWIN_USER}</UserName><UserId>${userId(account)}</UserId><Arn>${xml(`arn:aws:iam::${account.accountId}:user/${TWIN_USER}`)}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></User>`,
      },
      ...(roles ? iamRoleActions(roles) : {}),
    },
  };
}
