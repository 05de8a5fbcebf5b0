/** The token endpoint's JSON answer; absent members are left out. */
export interface TokenResponse {
  readonly id_token?: string;
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
  readonly token_type: 'Bearer';
}
