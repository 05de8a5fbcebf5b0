import { OAuthScope } from './oauth-scope';

describe('OAuthScope', () => {
  it('names the standard scopes as Cognito spells them', () => {
    expect([OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, OAuthScope.PHONE, OAuthScope.COGNITO_ADMIN].map((s) => s.scopeName)).toEqual([
      'openid',
      'email',
      'profile',
      'phone',
      'aws.cognito.signin.user.admin',
    ]);
  });

  it('tells custom scopes from standard ones', () => {
    expect(OAuthScope.custom('https://api.example.com/read').isCustom).toBe(true);
    expect(OAuthScope.custom('openid').isCustom).toBe(false);
    expect(OAuthScope.COGNITO_ADMIN.isCustom).toBe(false);
  });
});
