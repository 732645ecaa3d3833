'use strict';
// Inloggen met organisatie-account in the browser (tests/journey-sso.test.js): the real OpenID provider
// (oidc-provider from npm, tests/support/oidc/provider.mjs) started on loopback for the server under test,
// the settings page of an organisation filled in as a beheerder does, and a login through the provider's
// own login page. Nothing here talks to the database: everything goes through pages and the provider's
// test controls.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');
const { BASE_URL, clickButton, newSession } = require('./harness');

/** src/sso/flow.rs CALLBACK_PATH: where the provider sends the browser back to. */
const CALLBACK_PATH = '/inloggen/organisatie/terugkeer';
const CLIENT_ID = 'airegister';
const CLIENT_SECRET = `browser-geheim-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const OIDC_DIR = path.resolve(__dirname, '../../support/oidc');

/** oidc-provider's packages, once per checkout (the cargo tests take the same lock). */
function npmCi() {
  const script =
    '[ -d node_modules/oidc-provider ] && [ node_modules -nt package-lock.json ] || ' +
    '{ npm ci --no-audit --no-fund --silent && touch node_modules; }';
  const lock = path.join(os.tmpdir(), 'airegister-oidc-npm.lock');
  const r = spawnSync('flock', [lock, 'sh', '-c', script], { cwd: OIDC_DIR, stdio: 'inherit' });
  assert.equal(r.status, 0, 'npm ci in tests/support/oidc failed');
}

/**
 * The provider, with this client registered: redirect URI the server's callback, post-logout URI its login
 * page. Ends when the test process ends (it stops when its stdin closes) or on stop().
 */
async function startProvider() {
  npmCi();
  const child = spawn(
    process.execPath,
    [
      path.join(OIDC_DIR, 'provider.mjs'),
      '--redirect-uri', `${BASE_URL}${CALLBACK_PATH}`,
      '--post-logout-uri', `${BASE_URL}/inloggen?uitgelogd=1`,
      '--client-id', CLIENT_ID,
      '--client-secret', CLIENT_SECRET,
    ],
    // stderr only carries oidc-provider's development warnings; failures reach the test as HTTP answers.
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  const lines = readline.createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`provider.mjs exited (${code}) before it listened`)));
  });
  const { issuer } = JSON.parse(first);
  async function control(p, body = {}) {
    const r = await fetch(`${issuer}${p}`, {
      method: p === '/test/log' ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: p === '/test/log' ? undefined : JSON.stringify(body),
    });
    assert.equal(r.status, 200, `provider control ${p}`);
    return r.json();
  }
  return {
    issuer,
    control,
    /** Add or change a person at the provider (their groups included). */
    person: (p) => control('/test/user', { amr: ['pwd'], ...p }),
    /** How the next ID tokens leave the token endpoint (normal, tamper, expired, wrong-aud, ...). */
    mode: (mode) => control('/test/mode', { mode }),
    rotate: () => control('/test/rotate'),
    stop: () => {
      child.stdin.end();
      child.kill();
    },
  };
}

/** The client secret in a file only this test's user can read, as the settings page lets one name it. */
function secretFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airegister-sso-'));
  const file = path.join(dir, 'oidc-geheim');
  fs.writeFileSync(file, `${CLIENT_SECRET}\n`, { mode: 0o600 });
  return file;
}

/** A loopback port nothing listens on (an issuer that cannot be reached). */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Beheer → Organisaties → the organisation → "Inloggen met organisatie-account instellen"; returns its id. */
async function openSettings(page, organisation) {
  await page.goto('/beheer/organisaties');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: organisation }).first().click()]);
  const id = new URL(page.url()).pathname.split('/')[3];
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('link', { name: 'Inloggen met organisatie-account instellen' }).click(),
  ]);
  await page.getByRole('heading', { level: 1, name: 'Inloggen met organisatie-account' }).waitFor();
  return id;
}

/** Fill in the settings form (only the fields given; `enabled` ticks or clears the switch). */
async function fillSettings(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const el = page.locator(`#${name}`);
    if (typeof value === 'boolean') await el.setChecked(value);
    else await el.fill(value);
  }
}

/** Press "Opslaan" or "Testen" on the settings page; returns the HTTP status of the page it lands on. */
async function submitSettings(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(), clickButton(page, button)]);
  return response.status();
}

/**
 * In a fresh browser context (no session at the provider either): the login page, "Inloggen met <label>",
 * the provider's login page as `sub`, and back. `callback` is the server's answer to the provider's
 * redirect (303 into the application, or the page that refuses).
 */
async function ssoLogin(browser, provider, buttonName, sub) {
  const session = await newSession(browser, null);
  const { page } = session;
  await page.goto('/inloggen');
  await Promise.all([page.waitForURL((u) => u.href.startsWith(`${provider.issuer}/interaction/`)), clickButton(page, buttonName)]);
  const callback = page.waitForResponse((r) => r.url().startsWith(`${BASE_URL}${CALLBACK_PATH}`));
  await page.getByLabel('Gebruiker').fill(sub);
  await clickButton(page, 'Inloggen');
  const response = await callback;
  if (response.status() === 303) {
    await page.waitForURL((u) => u.href.startsWith(BASE_URL) && u.pathname !== CALLBACK_PATH);
  } else {
    await page.waitForURL((u) => u.href.startsWith(BASE_URL) && u.pathname === CALLBACK_PATH);
  }
  await page.waitForLoadState();
  return { ...session, callback: response };
}

// --- states for tests/axe.test.js (lib/pages.js): they need no provider and save nothing ----------------

/** The settings page of the demo organisation, as its beheerder opens it. */
async function settingsPage({ page }) {
  await openSettings(page, 'Gemeente Demodam');
}

/** The settings page after "Opslaan" with an http issuer elsewhere, no client id and a role that does not exist. */
async function settingsWithErrors({ page }) {
  await openSettings(page, 'Gemeente Demodam');
  await fillSettings(page, { issuer: 'http://idp.gemeente.example', client_id: '', group_roles: 'beveiliging = baas' });
  assert.equal(await submitSettings(page, 'Opslaan'), 422);
  await page.locator('.app-error-summary').waitFor();
}

/** The settings page after "Testen" on an issuer nobody answers at. */
async function settingsTestFailed({ page }) {
  await openSettings(page, 'Gemeente Demodam');
  await fillSettings(page, { issuer: `http://127.0.0.1:${await closedPort()}`, client_id: CLIENT_ID });
  assert.equal(await submitSettings(page, 'Testen'), 200);
}

module.exports = {
  settingsPage,
  settingsWithErrors,
  settingsTestFailed,
  CALLBACK_PATH,
  CLIENT_ID,
  CLIENT_SECRET,
  startProvider,
  secretFile,
  closedPort,
  openSettings,
  fillSettings,
  submitSettings,
  ssoLogin,
};
