'use strict';
// axe-core (WCAG 2.0/2.1 A and AA) on every page type in lib/pages.js: zero violations allowed; and the HTML the
// server sent is valid (html-validate: no duplicate ids, no wrong nesting, no unknown attributes).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const { PAGES, open } = require('../lib/pages');

let browser;
/** One logged-in context per role, made on first use (anonymous pages get a fresh one each time). */
const sessions = new Map();

before(async () => {
  browser = await h.launch();
  // AIREGISTER_THEME: the same states again in another theme (README, "Look and feel").
  await h.applyTheme(browser);
});

after(async () => {
  await browser?.close();
});

async function contextFor(role) {
  if (role === null) return (await h.newSession(browser, null)).context;
  if (!sessions.has(role)) sessions.set(role, (await h.newSession(browser, role)).context);
  return sessions.get(role);
}

for (const entry of PAGES) {
  const who = entry.role ?? 'anonymous';
  test(`axe: ${entry.name} (${who})`, async () => {
    const context = await contextFor(entry.role);
    const { page, close } = await open(entry, context);
    try {
      assert.ok(await page.locator('h1').count(), `${entry.name}: the page has a heading`);
      await h.assertNoAxeViolations(page, `${entry.name} as ${who}`);
      await h.assertValidHtml(await h.documentSource(page), `${entry.name} as ${who}`);
    } finally {
      await close();
      if (entry.role === null) await context.close();
    }
  });
}
