import type { PasswordPolicy } from '../cognito/passwords';

/** Escapes text for HTML content and double-quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f3f3;color:#16191f}
main{max-width:24rem;margin:4rem auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15);padding:2rem}
h1{font-size:1.3rem;margin:0 0 .25rem}
p.sub{margin:0 0 1.5rem;color:#545b64;font-size:.9rem}
label{display:block;font-weight:600;font-size:.9rem;margin:1rem 0 .3rem}
input[type=text],input[type=email],input[type=password]{box-sizing:border-box;width:100%;padding:.55rem .6rem;border:1px solid #aab7b8;border-radius:4px;font-size:1rem}
button{margin-top:1.5rem;width:100%;padding:.65rem;border:0;border-radius:4px;background:#0972d3;color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
.error{background:#fff1f0;border:1px solid #d91515;color:#d91515;border-radius:4px;padding:.6rem .75rem;margin-bottom:1rem;font-size:.9rem}
ul.policy{font-size:.85rem;color:#545b64;padding-left:1.2rem}
footer{margin-top:1.5rem;font-size:.75rem;color:#687078;text-align:center}
`;

/** A full page. Inline style carries the per-response CSP nonce; there is no script at all. */
export function page(title: string, nonce: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style nonce="${esc(nonce)}">${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>Local twin of the Amazon Cognito hosted UI</footer>
</main>
</body>
</html>
`;
}

export interface LoginView {
  readonly nonce: string;
  readonly action: string;
  readonly csrf: string;
  readonly clientName: string;
  readonly usernameLabel: string;
  readonly username?: string;
  readonly error?: string;
}

export function loginPage(v: LoginView): string {
  return page('Sign in', v.nonce, `
<h1>Sign in</h1>
<p class="sub">to ${esc(v.clientName)}</p>
${v.error ? `<div class="error" role="alert" id="errorMessage">${esc(v.error)}</div>` : ''}
<form method="post" action="${esc(v.action)}" autocomplete="on">
<input type="hidden" name="_csrf" value="${esc(v.csrf)}">
<label for="signInFormUsername">${esc(v.usernameLabel)}</label>
<input id="signInFormUsername" name="username" type="text" autocapitalize="none" autocorrect="off" spellcheck="false" required value="${esc(v.username ?? '')}">
<label for="signInFormPassword">Password</label>
<input id="signInFormPassword" name="password" type="password" required autocomplete="current-password">
<button type="submit" name="signInSubmitButton">Sign in</button>
</form>`);
}

export interface ChangePasswordView {
  readonly nonce: string;
  readonly action: string;
  readonly csrf: string;
  readonly session: string;
  readonly username: string;
  readonly policy: PasswordPolicy;
  readonly error?: string;
}

export function changePasswordPage(v: ChangePasswordView): string {
  const rules = [`At least ${v.policy.minimumLength} characters`];
  if (v.policy.requireLowercase) rules.push('A lowercase letter');
  if (v.policy.requireUppercase) rules.push('An uppercase letter');
  if (v.policy.requireNumbers) rules.push('A number');
  if (v.policy.requireSymbols) rules.push('A symbol, such as ! @ # $ % ^ & *');
  return page('Change password', v.nonce, `
<h1>Change password</h1>
<p class="sub">Signed in as ${esc(v.username)}. Please enter a new password.</p>
${v.error ? `<div class="error" role="alert" id="errorMessage">${esc(v.error)}</div>` : ''}
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="_csrf" value="${esc(v.csrf)}">
<input type="hidden" name="session" value="${esc(v.session)}">
<label for="newPassword">New password</label>
<input id="newPassword" name="password" type="password" required autocomplete="new-password">
<label for="confirmPassword">Confirm new password</label>
<input id="confirmPassword" name="confirm_password" type="password" required autocomplete="new-password">
<ul class="policy">${rules.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
<button type="submit" name="changePasswordSubmitButton">Change password and sign in</button>
</form>`);
}

export function errorPage(nonce: string, error: string, description?: string): string {
  return page('Error', nonce, `
<h1>An error was encountered with the requested page.</h1>
<div class="error" role="alert" id="errorMessage">${esc(error)}</div>
${description ? `<p class="sub">${esc(description)}</p>` : ''}`);
}

export function signedOutPage(nonce: string): string {
  return page('Signed out', nonce, `
<h1>You are signed out.</h1>
<p class="sub">You can close this window.</p>`);
}
