'use strict';
// Looked at, not only tested (issue 21, item 5): the main page states (from lib/pages.js) at 1366 and 390 CSS
// px wide. Each state is saved as a full-page screenshot in tests/browser/artifacts/look/ (git-ignored) and
// fails on what a person would notice (lib/look.js): sideways overflow outside a scroll box, headings and
// labels drawn over each other, a word in a table split mid-word, text not in the bundled fonts. The
// contexts keep the app's real CSP (no bypass, no axe here), so a font or style the CSP refuses fails too.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness');
const look = require('../lib/look');
const { PAGES, open } = require('../lib/pages');

const VIEWPORTS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];
// One folder per theme (AIREGISTER_THEME), so the looks can be set side by side.
const THEME = process.env.AIREGISTER_THEME || 'voorbeeld';
const ARTIFACTS = path.join(__dirname, '..', 'artifacts', 'look', THEME);

// The states people see most, one of each kind of page: forms, tables, lists, detail pages, public pages.
const STATES = [
  'login',
  'public register',
  'public register, search',
  'public register detail',
  'start page',
  'register list',
  'application detail',
  'application detail (draft)',
  'tab geschiedenis',
  'registration form (empty)',
  'registration step Algemeen',
  'registration step Gegevens',
  'registration overview',
  'toegestane tools',
  'te beoordelen',
  'review page with decision form (CISO)',
  'overzicht (dashboard)',
  'beheer gebruikers',
  'beheer huisstijl en logo',
  'aanvraag: formulier met fouten',
];

let browser;
const sessions = new Map();
before(async () => {
  browser = await h.launch();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await h.applyTheme(browser);
});
after(async () => {
  await browser?.close();
});

/** One context per role and width, with the CSP as the server sends it. */
async function contextFor(role, viewport) {
  const key = `${role}@${viewport.width}`;
  if (role === null) return (await h.newSession(browser, null, { viewport, bypassCSP: false })).context;
  if (!sessions.has(key)) sessions.set(key, (await h.newSession(browser, role, { viewport, bypassCSP: false })).context);
  return sessions.get(key);
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

for (const name of STATES) {
  const entry = PAGES.find((p) => p.name === name);
  assert.ok(entry, `lib/pages.js has the state "${name}"`);
  for (const viewport of VIEWPORTS) {
    test(`looked at, ${viewport.width} px: ${name}`, async () => {
      const context = await contextFor(entry.role, viewport);
      const refused = [];
      const onConsole = (m) => {
        if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
      };
      context.on('console', onConsole);
      const { page, close } = await open(entry, context, viewport);
      try {
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: path.join(ARTIFACTS, `${slug(name)}-${viewport.width}.png`), fullPage: true });
        const where = `${name} at ${viewport.width} px (${new URL(page.url()).pathname})`;
        const findings = [
          ...(await look.overflow(page)).map((f) => `overflow: ${f}`),
          ...(await look.textOverlap(page)).map((f) => `overlap: ${f}`),
          ...(await look.brokenWords(page)).map((f) => `broken word: ${f}`),
          ...(await look.fontProblems(page)).map((f) => `font: ${f}`),
          ...refused.map((f) => `CSP: ${f}`),
        ];
        assert.deepEqual(findings, [], `${where}:\n  ${findings.join('\n  ')}`);
      } finally {
        context.off('console', onConsole);
        await close();
        if (entry.role === null) await context.close();
      }
    });
  }
}
