/**
 * The first of `urls` with the scheme of the twin's base URL, else the first: over HTTPS (`--tls`) a callback on
 * `http://` would land on a port that speaks only TLS.
 */
export function ofTwinScheme(urls: readonly string[], base: string): string | undefined {
  const scheme = base.startsWith('https://') ? 'https:' : 'http:';
  return urls.find((u) => u.startsWith(scheme)) ?? urls[0];
}
