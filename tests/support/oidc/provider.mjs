// A real OpenID Connect provider (oidc-provider, a certified implementation) on loopback for the SSO tests.
// Usage: node provider.mjs --redirect-uri URI [--post-logout-uri URI] [--backchannel-uri URI] [--client-id ID]
//        [--client-secret S]
// --backchannel-uri defaults to /inloggen/organisatie/backchannel-logout at the redirect URI's origin.
// Prints one JSON line {"issuer": "..."} when it listens. Test controls (loopback only, never in production):
//   POST /test/user     {"sub","email","name","groups":[...],"amr":[...],"acr"}  add or change a person
//   POST /test/mode     {"mode": "normal|tamper|expired|wrong-aud|wrong-nonce|wrong-iss|alg-none"}
//                       how the next ID tokens leave the token endpoint (re-signed with the real key where the
//                       point is a claim, not the signature)
//   POST /test/rotate   new signing key; the old one leaves the JWKS (the client must fetch it again)
//   GET  /test/log      what happened (logouts, back-channel calls) as JSON
//   POST /test/logout-token {"sub","sid","jti","nonce","foreign":true,...}  a back-channel logout token signed
//                       with the current key (or, with foreign, a key the JWKS does not have); extra fields are
//                       claims. Answers {"token": "..."}
// The login page (/interaction/:uid) is a plain form: "login" is a person's sub; no password.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    'redirect-uri': { type: 'string' },
    'post-logout-uri': { type: 'string', default: '' },
    'backchannel-uri': { type: 'string', default: '' },
    'client-id': { type: 'string', default: 'airegister' },
    'client-secret': { type: 'string', default: 'test-geheim-van-de-client-1234567890' },
  },
});

const people = new Map([
  ['anna', { sub: 'anna', email: 'anna@gemeente.example', name: 'Anna de Vries', groups: ['medewerkers'], amr: ['pwd'] }],
]);
let mode = 'normal';
const log = [];

async function newKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `k-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, alg: 'RS256', use: 'sig' };
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function makeProvider(issuer, key) {
  const redirect = args['redirect-uri'];
  const provider = new Provider(issuer, {
    clients: [{
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      redirect_uris: [redirect],
      post_logout_redirect_uris: args['post-logout-uri'] ? [args['post-logout-uri']] : [],
      backchannel_logout_uri: backchannelUri(),
      backchannel_logout_session_required: true,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [key] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // amr and acr (from the login below) go into the ID token: the application reads two-factor from them.
    claims: { openid: ['sub', 'acr', 'amr'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // The claims of the requested scopes go into the ID token (as Entra ID and Keycloak do), not only userinfo.
    conformIdTokenClaims: false,
    cookies: { keys: ['alleen-voor-tests-op-loopback'] },
    // oidc-provider refuses outgoing requests to loopback (SSRF protection); the application under test
    // listens there, and the back-channel logout must reach it.
    fetch: (url, options) => {
      const { dispatcher, ...rest } = options;
      return globalThis.fetch(url, rest);
    },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // A plain form, no inline style: the tests post it.
        async logoutSource(ctx, form) {
          ctx.body = `<!DOCTYPE html><html lang="nl"><head><title>Uitloggen bij de provider</title></head><body>
            ${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Ja, uitloggen</button></body></html>`;
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const p = people.get(id);
      if (!p) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: p.sub, email: p.email, email_verified: true, name: p.name, groups: p.groups };
        },
      };
    },
  });
  provider.on('end_session.success', (ctx) => log.push({ event: 'end_session', sub: ctx.oidc.session?.accountId }));
  provider.on('backchannel.success', (ctx, client, accountId, sid) => log.push({ event: 'backchannel', sub: accountId, sid }));
  provider.on('backchannel.error', (ctx, err, client, accountId, sid) =>
    log.push({ event: 'backchannel_error', sub: accountId, sid, error: String(err && err.message), cause: String(err && err.cause && (err.cause.stack || err.cause)) }));
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token && mode !== 'normal') {
      ctx.body = { ...ctx.body, id_token: await transform(ctx.body.id_token, key) };
    }
  });
  return provider;
}

function backchannelUri() {
  if (args['backchannel-uri']) return args['backchannel-uri'];
  return new URL('/inloggen/organisatie/backchannel-logout', args['redirect-uri']).toString();
}

// A logout token as oidc-provider would send it, with whatever the test changes.
async function logoutToken(input) {
  const { foreign, ...claims } = input;
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: issuer, aud: args['client-id'], iat: now, exp: now + 120, jti: `jti-${Math.random().toString(36).slice(2)}`,
    events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, ...claims,
  };
  const key = foreign ? await newKey() : currentKey;
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: currentKey.kid, typ: 'logout+jwt' })
    .sign(await importJWK(key, 'RS256'));
}

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

async function transform(idToken, key) {
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  const sign = async (payload) =>
    new SignJWT(payload).setProtectedHeader(header).sign(await importJWK(key, 'RS256'));
  switch (mode) {
    case 'tamper': {
      // Another e-mail address in the payload, the original signature kept.
      const [h, , s] = idToken.split('.');
      return `${h}.${b64({ ...claims, email: 'indringer@gemeente.example' })}.${s}`;
    }
    case 'expired': return sign({ ...claims, iat: now - 3600, exp: now - 1800 });
    case 'wrong-aud': return sign({ ...claims, aud: 'een-andere-applicatie' });
    case 'wrong-nonce': return sign({ ...claims, nonce: 'niet-de-nonce-van-deze-login' });
    case 'wrong-iss': return sign({ ...claims, iss: 'https://nep-provider.example' });
    case 'alg-none': return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    default: return idToken;
  }
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

let current;
let currentKey;
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/test/')) return await control(url.pathname, req, res);
    const m = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (m) return await interaction(m[1], req, res);
    return current.callback()(req, res);
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(e && e.stack || e));
  }
});

async function control(path, req, res) {
  const input = req.method === 'POST' ? JSON.parse((await body(req)) || '{}') : {};
  if (path === '/test/user') people.set(input.sub, { groups: [], amr: ['pwd'], ...input });
  else if (path === '/test/mode') mode = input.mode;
  else if (path === '/test/logout-token') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: await logoutToken(input) }));
    return;
  }
  else if (path === '/test/rotate') {
    currentKey = await newKey();
    current = makeProvider(issuer, currentKey);
  } else if (path !== '/test/log') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ mode, kid: currentKey.kid, log }));
}

async function interaction(uid, req, res) {
  const details = await current.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html lang="nl"><head><title>Inloggen bij de testprovider</title></head><body>
      <main><h1>Testprovider</h1><form method="post" action="/interaction/${escape(uid)}">
      <label for="login">Gebruiker</label><input id="login" name="login" autocomplete="username">
      <button type="submit">Inloggen</button></form></main></body></html>`);
    return;
  }
  const login = new URLSearchParams(await body(req)).get('login');
  const person = people.get(login);
  if (!person) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('onbekende gebruiker');
    return;
  }
  const grant = new current.Grant({ accountId: person.sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const result = { login: { accountId: person.sub, amr: person.amr, acr: person.acr }, consent: { grantId } };
  await current.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

let issuer;
server.listen(0, '127.0.0.1', async () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  currentKey = await newKey();
  current = makeProvider(issuer, currentKey);
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
// Ends with the test that started it: stdin closes when the parent goes away.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
