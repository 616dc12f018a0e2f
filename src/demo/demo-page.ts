export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Refresh-token service: cookie-mode demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<h1>Cookie-mode demo</h1>
<p>Logs in with <code>"cookies": true</code>, then refreshes with <code>fetch(…, {credentials: 'include'})</code>.
The refresh token lives in an HttpOnly cookie that this page's script cannot read.
Create a public client and a user with the admin API first.</p>
<form id="login">
  <label>Client id <input id="clientId" name="clientId" required></label><br>
  <label>Login id <input id="loginId" name="loginId" autocomplete="username" required></label><br>
  <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label><br>
  <button id="login-button" type="submit">Log in</button>
</form>
<p>
  <button id="refresh-button" type="button">Refresh</button>
  <button id="logout-button" type="button">Log out</button>
</p>
<p>Status: <output id="status">logged out</output></p>
<p>Refreshes: <output id="refresh-count">0</output></p>
<p>Session (refreshTokenId): <output id="session"></output></p>
<p>Access token expires in: <output id="expires-in"></output> s</p>
<p>What <code>document.cookie</code> shows: <output id="visible-cookies"></output></p>
<script src="/demo/app.js"></script>
</body>
</html>
`;

export const DEMO_SCRIPT = `'use strict';
(function () {
  var accessToken = null; // kept in memory only
  var refreshes = 0;
  function show(id, text) { document.getElementById(id).textContent = text; }
  function showCookies() { show('visible-cookies', document.cookie === '' ? '(nothing)' : document.cookie); }
  async function call(path, body) {
    var response = await fetch(path, {
      method: 'POST',
      credentials: 'include',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, data: data };
  }
  function signedIn(result, what) {
    if (result.status !== 200) {
      accessToken = null;
      show('status', what + ' failed (' + result.status + (result.data && result.data.error ? ': ' + result.data.error : '') + ')');
      return;
    }
    accessToken = result.data.token;
    show('status', what + ' ok');
    show('session', result.data.refreshTokenId);
    show('expires-in', String(result.data.expiresIn));
  }
  document.getElementById('login').addEventListener('submit', async function (event) {
    event.preventDefault();
    var result = await call('/api/auth/login', {
      clientId: document.getElementById('clientId').value,
      loginId: document.getElementById('loginId').value,
      password: document.getElementById('password').value,
      cookies: true,
    });
    signedIn(result, 'login');
    showCookies();
  });
  document.getElementById('refresh-button').addEventListener('click', async function () {
    var result = await call('/api/auth/refresh');
    if (result.status === 200) show('refresh-count', String(++refreshes));
    signedIn(result, 'refresh');
    showCookies();
  });
  document.getElementById('logout-button').addEventListener('click', async function () {
    var result = await call('/api/auth/logout');
    accessToken = null;
    show('status', result.status === 200 ? 'logged out' : 'logout failed (' + result.status + ')');
    showCookies();
  });
  showCookies();
})();
`;
