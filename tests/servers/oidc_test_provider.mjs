// RoleDrop's test OpenID Provider: the npm package oidc-provider (an OpenID Foundation certified
// implementation), configured for RoleDrop's tests and served over https on 127.0.0.1. Not a test double: every
// protocol step (discovery, authorization with PKCE, the token endpoint, ID token signing, JWKS, refresh tokens)
// is oidc-provider's own. Only the pages a person would see are ours: plain HTML forms without JavaScript, so a
// test can play the browser over HTTP.
//
// What it offers:
//   - issuer https://127.0.0.1:PORT (a certificate from the run's test CA: --cert / --key)
//   - client roledrop-test-app: public (no secret), PKCE S256 required, native, redirect
//     http://127.0.0.1/oauth/callback on any port (RFC 8252 loopback), grants authorization_code + refresh_token,
//     RS256 ID tokens
//   - client roledrop-test-es256: the same with ES256 ID tokens
//   - client roledrop-other-app: the same, another audience (for wrong-audience tests)
//   - user ada / the password below; her sub is "ada-lovelace-1815"
//   - scopes openid, offline_access (a refresh token; the consent page must be shown: prompt=consent), email
//   - JWKS at /protocol/openid-connect/certs (the path Ceph RGW 16.2 fetches keys from), keys made at start
//   - pages: GET /interaction/UID shows the login form (POST .../login: login, password) or the consent form
//     (POST .../confirm: decision=allow | deny; deny ends the flow with error=access_denied)
//   - test knob: POST /__test__/id-token-ttl?seconds=N (ID tokens issued from then on last N s), DELETE resets
//     to 3600; GET /__test__/health
//
// Usage: node oidc_test_provider.mjs --cert server.pem --key server.key --port-file F [--port 0]
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    cert: { type: 'string' },
    key: { type: 'string' },
    port: { type: 'string', default: '0' },
    'port-file': { type: 'string' },
    'rsa-key': { type: 'string' },
    'rsa-cert': { type: 'string' },
  },
});
if (!args.cert || !args.key) {
  console.error('usage: oidc_test_provider.mjs --cert server.pem --key server.key [--port N] [--port-file F]');
  process.exit(2);
}

export const USER = { login: 'ada', password: 'Analytical-Engine-1843', sub: 'ada-lovelace-1815',
  email: 'ada@example.test' };
const REDIRECT = 'http://127.0.0.1/oauth/callback';
const DEFAULT_ID_TOKEN_TTL = 3600;
let idTokenTtl = DEFAULT_ID_TOKEN_TTL;

// Signing keys live only in this process: made at start, never written anywhere.
function signingKey(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid: `${alg.toLowerCase()}-${randomUUID()}`, alg, use: 'sig' };
}
// The RSA key may come from the start script with a self-signed certificate of it (--rsa-key, --rsa-cert), which the
// JWKS then carries as x5c: Ceph RGW 16.2 verifies ID tokens only with the x5c certificate of a key.
function rsaSigningKey() {
  if (!args['rsa-key']) return signingKey('rsa', { modulusLength: 2048 }, 'RS256');
  const jwk = createPrivateKey(readFileSync(args['rsa-key'])).export({ format: 'jwk' });
  const key = { ...jwk, kid: `rs256-${randomUUID()}`, alg: 'RS256', use: 'sig' };
  if (args['rsa-cert']) key.x5c = [new X509Certificate(readFileSync(args['rsa-cert'])).raw.toString('base64')];
  return key;
}
const jwks = { keys: [rsaSigningKey(), signingKey('ec', { namedCurve: 'P-256' }, 'ES256')] };

const nativeClient = (clientId, alg) => ({
  client_id: clientId,
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  id_token_signed_response_alg: alg,
});

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
function page(res, status, title, body) {
  const html = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title></head>`
    + `<body><h1>${esc(title)}</h1>\n${body}\n</body></html>\n`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

let provider;

// The login and consent pages (oidc-provider leaves these to the deployment).
async function interaction(req, res, url) {
  const [, , uid, step] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'Wrong interaction', '<p>This sign-in page is stale.</p>');
  const { prompt, params } = details;
  if (req.method === 'GET') {
    if (prompt.name === 'login') {
      return page(res, 200, 'Sign in to the RoleDrop test provider',
        `<p>Client: ${esc(params.client_id)}</p>\n`
        + `<form method="post" action="/interaction/${esc(uid)}/login">\n`
        + '<input type="text" name="login" autocomplete="username">\n'
        + '<input type="password" name="password" autocomplete="current-password">\n'
        + '<button type="submit">Sign in</button>\n</form>');
    }
    return page(res, 200, 'Allow access',
      `<p>${esc(params.client_id)} asks for: ${esc(params.scope)}</p>\n`
      + `<form method="post" action="/interaction/${esc(uid)}/confirm">\n`
      + '<button type="submit" name="decision" value="allow">Allow</button>\n'
      + '<button type="submit" name="decision" value="deny">Deny</button>\n</form>');
  }
  const form = await formBody(req);
  if (step === 'login' && prompt.name === 'login') {
    if (form.get('login') !== USER.login || form.get('password') !== USER.password) {
      return page(res, 401, 'Sign in to the RoleDrop test provider',
        '<p class="error">Wrong user name or password.</p>\n'
        + `<form method="post" action="/interaction/${esc(uid)}/login">\n`
        + '<input type="text" name="login"><input type="password" name="password">\n'
        + '<button type="submit">Sign in</button>\n</form>');
    }
    return provider.interactionFinished(req, res, { login: { accountId: USER.sub } },
      { mergeWithLastSubmission: false });
  }
  if (step === 'confirm' && prompt.name === 'consent') {
    if (form.get('decision') !== 'allow') {
      return provider.interactionFinished(req, res,
        { error: 'access_denied', error_description: 'The user denied access.' },
        { mergeWithLastSubmission: false });
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return page(res, 400, 'Unexpected step', `<p>The provider waits for: ${esc(prompt.name)}</p>`);
}

function json(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

function testKnob(req, res, url) {
  if (url.pathname === '/__test__/health') {
    return json(res, 200, { test_provider: true, issuer: provider.issuer, id_token_ttl: idTokenTtl });
  }
  if (url.pathname === '/__test__/id-token-ttl') {
    if (req.method === 'POST') {
      const seconds = Number.parseInt(url.searchParams.get('seconds') ?? '', 10);
      if (!(seconds > 0)) return json(res, 400, { error: 'seconds must be a positive number' });
      idTokenTtl = seconds;
    } else if (req.method === 'DELETE') {
      idTokenTtl = DEFAULT_ID_TOKEN_TTL;
    }
    return json(res, 200, { id_token_ttl: idTokenTtl });
  }
  return json(res, 404, { error: 'no such test endpoint' });
}

const server = https.createServer({ cert: readFileSync(args.cert), key: readFileSync(args.key) });
server.listen(Number(args.port), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `https://127.0.0.1:${port}`;
  provider = new Provider(issuer, {
    clients: [
      nativeClient('roledrop-test-app', 'RS256'),
      nativeClient('roledrop-test-es256', 'ES256'),
      nativeClient('roledrop-other-app', 'RS256'),
    ],
    jwks,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: async (_ctx, sub) => (sub === USER.sub
      ? { accountId: sub, claims: async () => ({ sub, email: USER.email, email_verified: true }) }
      : undefined),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'email'],
    // Revocation (RFC 7009): RoleDrop's sign-out revokes the refresh token it held.
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    interactions: { url: (_ctx, it) => `/interaction/${it.uid}` },
    pkce: { required: () => true },
    // Discovery names it; early Ceph RGW 16.2 releases fetch keys from this path whatever discovery says.
    routes: { jwks: '/protocol/openid-connect/certs' },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 120,
      IdToken: () => idTokenTtl,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      RefreshToken: 86400,
    },
  });
  const app = provider.callback();
  server.on('request', (req, res) => {
    const url = new URL(req.url, issuer);
    let handled;
    if (url.pathname.startsWith('/interaction/')) handled = interaction(req, res, url);
    else if (url.pathname.startsWith('/__test__/')) handled = Promise.resolve(testKnob(req, res, url));
    else return app(req, res);
    return handled.catch((err) => {
      console.error(`oidc-test-provider: ${req.method} ${url.pathname}: ${err.message}`);
      if (!res.headersSent) page(res, 400, 'Sign-in failed', `<p>${esc(err.message)}</p>`);
    });
  });
  if (args['port-file']) writeFileSync(args['port-file'], String(port));
  console.log(`READY issuer=${issuer}`);
});
