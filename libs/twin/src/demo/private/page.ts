/**
 * The demo callback page: what the console walk-through did by hand with Postman. It signs in on the hosted UI
 * (authorization code + PKCE, or the implicit grant where the client allows it), shows the user and the decoded
 * claims, and calls each API route without a token, with the ID token and with the access token (a POST, PUT or
 * PATCH route sends the JSON body of its editable text area). Script and style are separate files so that the page
 * runs under a CSP without 'unsafe-inline'; data is only ever set as text.
 */

/** The body a POST, PUT or PATCH route's text area starts with (what `POST /orders` of the dev stack accepts). */
export const SAMPLE_BODY = '{"item":"coffee","quantity":2}';

export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Secure API demo - local twin</title>
<link rel="stylesheet" href="/callback/style.css">
<script src="/callback/app.js" defer></script>
</head>
<body>
<header>
<h1>Secure API demo</h1>
<p class="muted">Served by the local twin. Sign in on the hosted UI, then call the API with and without a token.</p>
</header>
<main>
<section id="problem" class="card error" hidden></section>
<section class="card">
<h2>Sign-in</h2>
<p id="status">Loading the configuration...</p>
<div class="row">
<button type="button" id="signInCode" hidden>Sign in (code + PKCE)</button>
<button type="button" id="signInImplicit" hidden>Sign in (implicit grant)</button>
<button type="button" id="signOut" hidden>Sign out</button>
</div>
<dl id="user" hidden>
<dt>Email</dt><dd id="userEmail"></dd>
<dt>Username</dt><dd id="userName"></dd>
<dt>Subject (sub)</dt><dd id="userSub"></dd>
<dt>Tokens expire</dt><dd id="userExpiry"></dd>
</dl>
</section>
<section class="card" id="tokens" hidden>
<h2>Tokens <span class="muted">(decoded here, not verified: the API verifies them)</span></h2>
<div class="columns">
<div><h3>ID token</h3><pre id="idClaims"></pre></div>
<div><h3>Access token</h3><pre id="accessClaims"></pre></div>
</div>
</section>
<section class="card" id="api" hidden>
<h2>Call the API</h2>
<p class="muted" id="invoke"></p>
<table>
<thead><tr><th>Method</th><th>Path</th><th>Authorization</th><th>Body</th><th>Call</th></tr></thead>
<tbody id="routes"></tbody>
</table>
<h3>Last response</h3>
<p id="resultLine" class="muted">No call yet.</p>
<pre id="resultBody"></pre>
</section>
</main>
</body>
</html>
`;

export const DEMO_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
[hidden] { display: none !important; }
body { margin: 0 auto; max-width: 64rem; padding: 1rem; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; }
.muted { color: #777; font-weight: normal; font-size: 0.9em; }
.card { border: 1px solid #8884; border-radius: 8px; padding: 0.8rem 1rem; margin: 1rem 0; }
.error { border-color: #c33; color: #c33; }
.row { display: flex; gap: 0.5rem; flex-wrap: wrap; }
button { padding: 0.4rem 0.8rem; border-radius: 6px; border: 1px solid #8888; cursor: pointer; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; word-break: break-all; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
pre { background: #8881; padding: 0.6rem; border-radius: 6px; overflow: auto; max-height: 24rem; font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #8883; vertical-align: top; }
td input { width: 6rem; }
td textarea { width: 100%; min-width: 12rem; box-sizing: border-box; font-family: ui-monospace, monospace; font-size: 0.85em; resize: vertical; }
td .row button { white-space: nowrap; }
.ok { color: #2a7; }
.bad { color: #c33; }
`;

export const DEMO_JS = `'use strict';
(function () {
  var STORE = 'secure-api-demo';
  var SAMPLE_BODY = ${JSON.stringify(SAMPLE_BODY)};
  var WITH_BODY = ['POST', 'PUT', 'PATCH'];
  var $ = function (id) { return document.getElementById(id); };
  var config;
  // The request bodies the user edited, by "METHOD /path".
  var bodies = {};

  function show(id, visible) { $(id).hidden = !visible; }
  function text(id, value) { $(id).textContent = value; }
  function problem(message) { text('problem', message); show('problem', true); }

  function saved() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || '{}'); } catch (e) { return {}; }
  }
  function save(value) { sessionStorage.setItem(STORE, JSON.stringify(value)); }

  function b64url(bytes) {
    var s = '';
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  function random() { return b64url(crypto.getRandomValues(new Uint8Array(32))); }
  function decodePart(part) {
    var s = part.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(bytes));
  }
  function decode(token) {
    try {
      var parts = token.split('.');
      return { header: decodePart(parts[0]), payload: decodePart(parts[1]) };
    } catch (e) { return undefined; }
  }

  async function start(flow) {
    var target = new URL(config.client.redirectUri);
    if (target.origin !== location.origin) {
      // sessionStorage is per origin: begin where the hosted UI will send the browser back.
      location.assign(config.client.redirectUri + '?start=' + encodeURIComponent(flow));
      return;
    }
    var state = random();
    var nonce = random();
    var params = new URLSearchParams({
      client_id: config.client.id,
      redirect_uri: config.client.redirectUri,
      scope: config.client.scopes.join(' '),
      state: state,
      nonce: nonce,
    });
    var pending = { state: state, nonce: nonce, flow: flow };
    if (flow === 'code') {
      var verifier = random() + random();
      var digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
      params.set('response_type', 'code');
      params.set('code_challenge', b64url(new Uint8Array(digest)));
      params.set('code_challenge_method', 'S256');
      pending.verifier = verifier;
    } else {
      params.set('response_type', 'token');
    }
    save({ pending: pending });
    location.assign(config.hostedUi.path + '/oauth2/authorize?' + params.toString());
  }

  async function finishSignIn() {
    var query = new URLSearchParams(location.search);
    var fragment = new URLSearchParams(location.hash.slice(1));
    var state = saved();
    var pending = state.pending;
    var clean = function () { history.replaceState(null, '', location.pathname); };
    var error = query.get('error') || fragment.get('error');
    if (error) {
      clean();
      problem('The hosted UI answered ' + error + (query.get('error_description') || fragment.get('error_description') ? ': ' + (query.get('error_description') || fragment.get('error_description')) : '') + '.');
      return;
    }
    if (query.get('start')) {
      clean();
      await start(query.get('start') === 'implicit' ? 'implicit' : 'code');
      return;
    }
    var code = query.get('code');
    var returnedState = query.get('state') || fragment.get('state');
    if (!code && !fragment.get('access_token') && !fragment.get('id_token')) return;
    clean();
    if (!pending || returnedState !== pending.state) {
      problem('The sign-in response does not match a sign-in this page started (state mismatch); it was ignored.');
      return;
    }
    var tokens;
    if (code) {
      var res = await fetch(config.hostedUi.path + '/oauth2/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.client.id, code: code, redirect_uri: config.client.redirectUri, code_verifier: pending.verifier || '' }).toString(),
      });
      var body = await res.json().catch(function () { return {}; });
      if (!res.ok) { problem('The token endpoint answered ' + res.status + ': ' + JSON.stringify(body)); save({}); return; }
      tokens = { id: body.id_token, access: body.access_token, flow: 'code' };
    } else {
      tokens = { id: fragment.get('id_token') || undefined, access: fragment.get('access_token') || undefined, flow: 'implicit' };
    }
    var id = tokens.id && decode(tokens.id);
    if (id && pending.nonce && id.payload.nonce !== undefined && id.payload.nonce !== pending.nonce) {
      problem('The ID token carries another nonce than this page sent; it was ignored.');
      save({});
      return;
    }
    save({ tokens: tokens });
  }

  function render() {
    var tokens = saved().tokens;
    var flows = config.client.flows;
    show('signInCode', !tokens && flows.indexOf('code') >= 0);
    show('signInImplicit', !tokens && flows.indexOf('implicit') >= 0);
    show('signOut', !!tokens);
    if (!tokens) {
      text('status', 'Not signed in. App client ' + config.client.name + ' (' + config.client.id + '), hosted UI ' + config.hostedUi.url + '.');
    } else {
      var id = tokens.id ? decode(tokens.id) : undefined;
      var access = tokens.access ? decode(tokens.access) : undefined;
      var claims = (id || access || { payload: {} }).payload;
      text('status', 'Signed in with the ' + (tokens.flow === 'code' ? 'authorization code + PKCE' : 'implicit') + ' flow.');
      text('userEmail', claims.email || '(not in the token)');
      text('userName', claims['cognito:username'] || claims.username || '');
      text('userSub', claims.sub || '');
      text('userExpiry', claims.exp ? new Date(claims.exp * 1000).toLocaleString() : '');
      text('idClaims', id ? JSON.stringify(id, null, 2) : '(no ID token: the openid scope was not granted)');
      text('accessClaims', access ? JSON.stringify(access, null, 2) : '(none)');
    }
    show('user', !!tokens);
    show('tokens', !!tokens);
    renderRoutes(tokens);
  }

  function renderRoutes(tokens) {
    var body = $('routes');
    body.textContent = '';
    var api = config.apis[0];
    if (!api) { show('api', false); return; }
    text('invoke', 'Invoke URL: ' + api.invokeUrl);
    api.routes.forEach(function (route) {
      var tr = document.createElement('tr');
      var method = route.httpMethod === 'ANY' ? 'GET' : route.httpMethod;
      var cell = function (value) { var td = document.createElement('td'); td.textContent = value; tr.appendChild(td); return td; };
      cell(route.httpMethod);
      var pathCell = document.createElement('td');
      var inputs = {};
      route.path.split(/(\\{[^}]+\\})/).forEach(function (piece) {
        var m = /^\\{([^}+]+)\\+?\\}$/.exec(piece);
        if (!m) { if (piece) pathCell.appendChild(document.createTextNode(piece)); return; }
        var input = document.createElement('input');
        input.value = m[1] === 'proxy' ? 'hello' : '1';
        input.setAttribute('aria-label', m[1]);
        inputs[piece] = input;
        pathCell.appendChild(input);
      });
      tr.appendChild(pathCell);
      cell(route.authorization === 'NONE' ? 'public' : route.scopes.length ? 'access token with ' + route.scopes.join(' or ') : 'ID token');
      var bodyCell = cell('');
      var requestBody;
      if (WITH_BODY.indexOf(method) >= 0) {
        // Kept across re-renders (sign-in, sign-out) of the same page: what the user typed stays.
        var key = method + ' ' + route.path;
        requestBody = document.createElement('textarea');
        requestBody.rows = 3;
        requestBody.spellcheck = false;
        requestBody.value = Object.prototype.hasOwnProperty.call(bodies, key) ? bodies[key] : SAMPLE_BODY;
        requestBody.dataset.body = key;
        requestBody.setAttribute('aria-label', 'JSON body of ' + key);
        requestBody.addEventListener('input', function () { bodies[key] = requestBody.value; });
        bodyCell.appendChild(requestBody);
      }
      var actions = document.createElement('td');
      var buttons = document.createElement('div');
      buttons.className = 'row';
      actions.appendChild(buttons);
      var button = function (label, token, kind) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.dataset.call = kind;
        b.dataset.method = method;
        b.dataset.path = route.path;
        b.disabled = token === null;
        b.addEventListener('click', function () {
          var path = route.path.replace(/\\{[^}]+\\}/g, function (piece) {
            return inputs[piece].value.split('/').map(encodeURIComponent).join('/');
          });
          call(method, api.invokePath + (path === '/' ? '/' : path), token, requestBody ? requestBody.value : undefined);
        });
        buttons.appendChild(b);
      };
      button('Without token', undefined, 'none');
      button('With ID token', tokens && tokens.id ? tokens.id : null, 'id');
      button('With access token', tokens && tokens.access ? tokens.access : null, 'access');
      tr.appendChild(actions);
      body.appendChild(tr);
    });
    show('api', true);
  }

  async function call(method, path, token, payload) {
    $('resultLine').className = 'muted';
    text('resultLine', method + ' ' + path + ' ...');
    text('resultBody', '');
    var headers = {};
    if (token) headers.Authorization = token;
    var init = { method: method, headers: headers };
    if (payload !== undefined) {
      // Sent as typed: a body that is not JSON is the API's to refuse (400), as it would be from any client.
      headers['content-type'] = 'application/json';
      init.body = payload;
    }
    try {
      var res = await fetch(path, init);
      var raw = await res.text();
      var pretty = raw;
      try { pretty = JSON.stringify(JSON.parse(raw), null, 2); } catch (e) { pretty = raw; }
      $('resultLine').className = res.ok ? 'ok' : 'bad';
      text('resultLine', method + ' ' + path + (token ? ' (with token)' : ' (no token)') + ' -> ' + res.status + ' ' + res.statusText + ', x-amzn-RequestId ' + (res.headers.get('x-amzn-requestid') || '-'));
      text('resultBody', pretty);
    } catch (e) {
      $('resultLine').className = 'bad';
      text('resultLine', method + ' ' + path + ' failed: ' + e.message);
      text('resultBody', '');
    }
  }

  function signOut() {
    save({});
    if (config.client.logoutUri) {
      location.assign(config.hostedUi.path + '/logout?' + new URLSearchParams({ client_id: config.client.id, logout_uri: config.client.logoutUri }).toString());
    } else {
      render();
    }
  }

  async function main() {
    var res = await fetch('/callback/config.json');
    var body = await res.json().catch(function () { return {}; });
    if (!res.ok) { text('status', 'No demo configuration.'); problem(body.message || ('config.json answered ' + res.status)); return; }
    config = body;
    $('signInCode').addEventListener('click', function () { start('code'); });
    $('signInImplicit').addEventListener('click', function () { start('implicit'); });
    $('signOut').addEventListener('click', signOut);
    await finishSignIn();
    render();
    document.body.dataset.ready = 'true';
  }

  main().catch(function (e) { problem('The demo page failed: ' + e.message); });
})();
`;
