'use strict';
// Shared helpers for the browser tests: the server under test, Debian's chromium through playwright-core,
// login as a demo user, axe-core, and small page helpers. run.sh starts the server and sets the variables.

const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const BASE_URL = process.env.AIREGISTER_BASE_URL;
const PASSWORD = process.env.AIREGISTER_DEMO_PASSWORD;
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

if (!BASE_URL || !PASSWORD) {
  throw new Error(
    'AIREGISTER_BASE_URL and AIREGISTER_DEMO_PASSWORD are not set: start the tests with tests/browser/run.sh ' +
      '(it starts the server with the demo organisation)',
  );
}

/** The demo accounts (src/demo/mod.rs), by role, with the name the header shows. */
const USERS = {
  medewerker: { email: 'medewerker@demo.example', name: 'Mila de Medewerker' },
  projectleider: { email: 'projectleider@demo.example', name: 'Pim Projectleider' },
  ciso: { email: 'ciso@demo.example', name: 'Cas Visser (CISO)' },
  fg: { email: 'fg@demo.example', name: 'Fenna Gerritsen (FG)' },
  directie: { email: 'directie@demo.example', name: 'Dirk de Directeur' },
  beheerder: { email: 'beheerder@demo.example', name: 'Bea Beheer' },
};

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Debian's chromium; never a downloaded browser. */
async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

/** The last document each page received, as the server sent it (the DOM is the parser's repaired copy). */
const lastDocuments = new WeakMap();

/** The HTML of the page's last document (not a redirect) as the server sent it. */
async function documentSource(page) {
  const r = lastDocuments.get(page);
  assert.ok(r, `a document was received (${page.url()})`);
  return r.text();
}

/**
 * A fresh browser context (own cookies), logged in as `role` through the login form when given.
 * bypassCSP lets axe-core be injected: the app's CSP (rightly) refuses inline scripts.
 */
async function newSession(browser, role, options = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    bypassCSP: true,
    acceptDownloads: true,
    locale: 'nl-NL',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  context.on('response', (r) => {
    const status = r.status();
    if (r.request().resourceType() === 'document' && (status < 300 || status >= 400)) {
      lastDocuments.set(r.frame().page(), r);
    }
  });
  const page = await context.newPage();
  if (role) await login(page, role);
  return { context, page };
}

/** Log in through the form as a real user does; asserts the header then shows the user's name. */
async function login(page, role) {
  const user = USERS[role];
  assert.ok(user, `unknown demo role ${role}`);
  await page.goto('/inloggen');
  await page.getByLabel('E-mailadres').fill(user.email);
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await Promise.all([page.waitForNavigation(), clickButton(page, 'Inloggen')]);
  if (new URL(page.url()).pathname.startsWith('/inloggen')) {
    // The form again with a message, or an error page such as 429 "Te veel inlogpogingen".
    const why = (await page.locator('main').innerText()).trim().replace(/\s+/g, ' ').slice(0, 300);
    throw new Error(`login as ${user.email} failed: ${why}`);
  }
  await assert.doesNotReject(
    page.locator('.app-user-name', { hasText: user.name }).waitFor(),
    `after logging in as ${user.email} the header shows the name`,
  );
}

/** The themes of Beheer → Huisstijl en logo, by value, with their label (src/web/theme.rs). */
const THEMES = {
  voorbeeld: { label: 'NL Design System voorbeeldthema', bodyClass: 'voorbeeld-theme' },
  denhaag: { label: 'Gemeente Den Haag', bodyClass: 'denhaag-theme' },
  rijkshuisstijl: { label: 'Rijkshuisstijl (community)', bodyClass: 'rhc-theme' },
};

/** A small SVG logo, as an organisation would upload it. */
const LOGO_SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><title>Demodam</title>' +
    '<rect width="40" height="40" rx="6" fill="#1a4d2e"/><path d="M10 30V10h10a10 10 0 0 1 0 20z" fill="#fff"/></svg>',
);

/**
 * AIREGISTER_THEME=denhaag (or rijkshuisstijl): the demo organisation's beheerder chooses that theme and uploads
 * a logo through Beheer → Organisaties → Huisstijl en logo before the suite runs, so every page state is
 * checked in that theme (run.sh starts a fresh server per run). Returns the theme's value.
 */
async function applyTheme(browser) {
  const value = process.env.AIREGISTER_THEME || 'voorbeeld';
  const theme = THEMES[value];
  assert.ok(theme, `AIREGISTER_THEME=${value} is not one of ${Object.keys(THEMES).join(', ')}`);
  if (value === 'voorbeeld') return value;
  const { context, page } = await newSession(browser, 'beheerder');
  try {
    await page.goto('/beheer/organisaties');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Gemeente Demodam' }).first().click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Thema en logo kiezen' }).click()]);
    await page.getByLabel(theme.label, { exact: true }).check();
    await Promise.all([page.waitForNavigation(), clickButton(page, 'Thema opslaan')]);
    await page.getByLabel('Logo', { exact: true }).setInputFiles({ name: 'demodam.svg', mimeType: 'image/svg+xml', buffer: LOGO_SVG });
    await Promise.all([page.waitForNavigation(), clickButton(page, 'Logo opslaan')]);
    assert.equal(await page.evaluate(() => document.body.classList[0]), theme.bodyClass, 'the theme is worn');
    await page.locator('img.app-org__logo').waitFor();
  } finally {
    await context.close();
  }
  return value;
}

/** Click the (submit) button with this exact accessible name, within `scope` (a locator) or the page. */
async function clickButton(scope, name) {
  await scope.getByRole('button', { name, exact: true }).click();
}

/** Navigate and check the HTTP status (the page must really be what the test thinks it is). */
async function visit(page, path, expectedStatus = 200) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), expectedStatus, `HTTP status of ${path} (landed on ${page.url()})`);
  return response;
}

/** The flash message (role=status alert at the top of main) as text, or '' when there is none. */
async function flash(page) {
  const el = page.locator('main > .utrecht-alert--ok');
  return (await el.count()) ? (await el.innerText()).trim() : '';
}

/** The application id from a URL like /register/{id}[/...]. */
function applicationIdFrom(url) {
  const m = new URL(url, BASE_URL).pathname.match(/^\/register\/([0-9a-f-]{36})/);
  assert.ok(m, `not an application URL: ${url}`);
  return m[1];
}

/**
 * The id of a demo registration by its exact name, via the register's search as the given page's user.
 * Cached per name (ids do not change).
 */
const idCache = new Map();
async function applicationId(page, name) {
  if (idCache.has(name)) return idCache.get(name);
  const response = await page.request.get(`/register?q=${encodeURIComponent(name)}`);
  assert.equal(response.status(), 200, `register search for ${name}`);
  const html = await response.text();
  const decode = (t) =>
    t.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e) => {
      const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()];
      if (named) return named;
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    });
  const re = /<a\b[^>]*\bhref="\/register\/([0-9a-f-]{36})"[^>]*>([^<]*)<\/a>/g;
  for (const m of html.matchAll(re)) {
    if (decode(m[2]).trim() === name) {
      idCache.set(name, m[1]);
      return m[1];
    }
  }
  throw new Error(`demo registration "${name}" not found in the register`);
}

/** The current code of a TOTP secret as an authenticator app shows it (RFC 6238: SHA-1, 6 digits, 30 s). */
function totp(base32Secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32Secret.toUpperCase().replace(/[^A-Z2-7]/g, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = require('node:crypto').createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

// ---------------------------------------------------------------------------------------------------------
// axe-core

const AXE_PATH = require.resolve('axe-core');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Run axe-core on the current page; returns the violations. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE_PATH });
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return result.violations;
}

/** Rule id, impact, help, and per node the target selectors and axe's summary. */
function formatViolations(violations, label) {
  const lines = [`${violations.length} axe violation(s) on ${label}:`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      lines.push(`    target: ${node.target.join(' ')}`);
      lines.push(`      html: ${node.html.slice(0, 200)}`);
      if (node.failureSummary) lines.push(`      ${node.failureSummary.replace(/\n/g, '\n      ')}`);
    }
  }
  return lines.join('\n');
}

/** Fail with a readable report when axe finds any WCAG 2.1 A/AA violation on the page. */
async function assertNoAxeViolations(page, label) {
  const violations = await axeViolations(page);
  const where = `${label} (${new URL(page.url()).pathname}${new URL(page.url()).search})`;
  assert.equal(violations.length, 0, formatViolations(violations, where));
}

/**
 * The HTML as the server sent it, checked by html-validate's `standard` preset (the HTML standard's rules:
 * duplicate ids, content models, unknown elements and attributes, closing order). One validator for the run.
 */
let htmlValidator;
async function assertValidHtml(html, label) {
  if (!htmlValidator) {
    const { HtmlValidate } = require('html-validate');
    htmlValidator = new HtmlValidate({
      extends: ['html-validate:standard', 'html-validate:document'],
      // Subresource integrity guards resources from other origins; ours all come from the same server.
      rules: { 'require-sri': ['error', { target: 'crossorigin' }] },
    });
  }
  const report = await htmlValidator.validateString(html);
  const messages = report.results.flatMap((r) => r.messages);
  const lines = html.split('\n');
  const text = messages
    .map((m) => `  ${m.line}:${m.column} ${m.ruleId}: ${m.message}\n      ${(lines[m.line - 1] ?? '').trim().slice(0, 160)}`)
    .join('\n');
  assert.equal(messages.length, 0, `${label}: html-validate found ${messages.length} problem(s):\n${text}`);
}

/**
 * One browser for the test file that calls this at its top: launched before the file's first test and closed
 * after its last (node:test's file-level hooks). What it returns forwards to that browser, so it can be handed
 * to newSession and the page helpers although the launch comes later.
 */
function browserForFile() {
  const { before, after } = require('node:test');
  let real;
  before(async () => {
    real = await launch();
  });
  after(async () => {
    await real?.close();
  });
  return new Proxy(
    {},
    {
      get(_, key) {
        const value = real[key];
        return typeof value === 'function' ? value.bind(real) : value;
      },
    },
  );
}

/** axe-core (no violations) and html-validate on the page as it is now. */
async function checkPage(page, label) {
  await assertNoAxeViolations(page, label);
  await assertValidHtml(await documentSource(page), label);
}

module.exports = {
  browserForFile,
  checkPage,
  BASE_URL,
  THEMES,
  LOGO_SVG,
  applyTheme,
  PASSWORD,
  USERS,
  launch,
  newSession,
  login,
  clickButton,
  visit,
  flash,
  applicationId,
  applicationIdFrom,
  totp,
  axeViolations,
  formatViolations,
  assertNoAxeViolations,
  assertValidHtml,
  documentSource,
};
