import type { UrlRewrite } from '../stack/outputs';

/** API Gateway's invoke URLs in the twin's form: `https://<apiId>.execute-api.<region>.amazonaws.com` → `<base>/<apiId>`. */
export function executeApiUrls(base: string): UrlRewrite {
  return (text) => text.replace(/https:\/\/([a-z0-9]{10})\.execute-api\.[a-z0-9-]+\.amazonaws\.com/g, (_m, api: string) => `${base}/${api}`);
}
