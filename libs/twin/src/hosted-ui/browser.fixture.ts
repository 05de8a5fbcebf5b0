// A minimal browser for the hosted UI specs: a cookie jar honouring Path, manual redirects, and form scraping.
import { createHash, randomBytes } from 'node:crypto';

interface Cookie {
  value: string;
  path: string;
  attributes: string;
}

export class MiniBrowser {
  readonly cookies = new Map<string, Cookie>();

  constructor(readonly base: string) {}

  /** GET or POST without following redirects; stores cookies. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const full = url.startsWith('http') ? url : this.base + url;
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(new URL(full).pathname);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(full, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(line);
    return res;
  }

  private store(line: string): void {
    const [pair, ...attrs] = line.split(';').map((x) => x.trim());
    const i = pair.indexOf('=');
    const name = pair.slice(0, i);
    const value = pair.slice(i + 1);
    const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
    const maxAge = attrs.find((a) => a.toLowerCase().startsWith('max-age='));
    if (maxAge && Number(maxAge.slice(8)) <= 0) this.cookies.delete(`${path}|${name}`);
    else this.cookies.set(`${path}|${name}`, { value, path, attributes: attrs.join('; ') });
  }

  cookie(name: string): Cookie | undefined {
    return [...this.cookies.entries()].find(([k]) => k.endsWith(`|${name}`))?.[1];
  }

  private cookieHeader(pathname: string): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => pathname === c.path || pathname.startsWith(`${c.path}/`))
      .map(([k, c]) => `${k.split('|')[1]}=${c.value}`)
      .join('; ');
  }
}

/** The named hidden or text input values and the form action of an HTML page. */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    const name = /\bname="([^"]+)"/.exec(tag)?.[1];
    if (name) fields[name] = decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  return { action: decode(action), fields };
}

function decode(s: string): string {
  return s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
