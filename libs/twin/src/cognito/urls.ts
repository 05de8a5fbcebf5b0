import type { UrlRewrite } from '../stack/outputs';

/**
 * Cognito's AWS URLs in the twin's form: `https://<prefix>.auth.<region>.amazoncognito.com` (and a custom domain's
 * `https://<domain>`) → `<base>/auth/<domain>`, `https://cognito-idp.<region>.amazonaws.com/<poolId>` →
 * `<base>/<poolId>`.
 */
export function cognitoUrls(base: string, customDomains: readonly string[] = []): UrlRewrite {
  return (text) => {
    let s = text
      .replace(/https:\/\/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.auth\.[a-z0-9-]+\.amazoncognito\.com/g, (_m, prefix: string) => `${base}/auth/${prefix}`)
      .replace(/https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+_[0-9A-Za-z]+)/g, (_m, pool: string) => `${base}/${pool}`);
    for (const d of customDomains) s = s.split(`https://${d}`).join(`${base}/auth/${d}`);
    return s;
  };
}
