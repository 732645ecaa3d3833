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
  'registration step Verantwoordelijken',
  'hoofdmenu: menu Register open (CISO)',
  'hoofdmenu: menu Beheer open (beheerder)',
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

// The grouped navigation: every role's bar is one line at 1366 px (a CISO had 16 links on two lines), and a
// menu works with the keyboard alone: Tab to its label, Enter opens it, Tab to a link, Enter follows it; on
// that page the menu's label and the link are marked current, and the focused label shows a focus ring.
for (const role of ['medewerker', 'projectleider', 'ciso', 'fg', 'directie', 'beheerder']) {
  test(`navigation on one line at 1366 px (${role})`, async () => {
    const context = await contextFor(role, VIEWPORTS[0]);
    const page = await context.newPage();
    try {
      await h.visit(page, '/');
      const tops = await page.evaluate(() =>
        [...document.querySelectorAll('.app-nav .utrecht-nav-list > li')].map((li) => ({
          text: li.querySelector('a, summary').textContent.trim(),
          top: Math.round(li.getBoundingClientRect().top),
        })),
      );
      assert.ok(tops.length >= 5 && tops.length <= 10, `${role}: ${tops.length} items in the bar`);
      const lines = new Set(tops.map((t) => t.top));
      assert.equal(lines.size, 1, `${role}: the bar wraps: ${JSON.stringify(tops)}`);
      assert.equal(await page.getByRole('button', { name: /^Menu/ }).isVisible(), false, 'no Menu button on a wide screen');
    } finally {
      await page.close();
    }
  });
}

// On a phone the bar took four rows above every page: it folds behind "Menu", which names the page one is on
// and opens the list in the flow (the menus inside it work as before).
test('navigation folded behind "Menu" at 390 px (CISO)', async () => {
  const context = await contextFor('ciso', VIEWPORTS[1]);
  const page = await context.newPage();
  try {
    await h.visit(page, '/te-beoordelen');
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    const menu = nav.getByRole('button', { name: /^Menu/ });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.match(await menu.innerText(), /^Menu\s+Te beoordelen/);
    assert.equal(await nav.getByRole('link').count(), 0, 'the list is folded away');
    assert.ok((await nav.boundingBox()).height < 70, `the folded bar is one row (${(await nav.boundingBox()).height} px)`);
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    assert.equal(await nav.getByRole('link', { name: /^Te beoordelen/ }).getAttribute('aria-current'), 'page');
    await nav.locator('summary', { hasText: 'Register' }).click();
    await Promise.all([page.waitForNavigation(), nav.getByRole('link', { name: 'Evaluaties' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/evaluaties');
    assert.match(await nav.getByRole('button', { name: /^Menu/ }).innerText(), /^Menu\s+Evaluaties$/, 'the page is named, also inside a menu');
    await nav.getByRole('button', { name: /^Menu/ }).click();
    assert.ok(await nav.getByRole('link', { name: 'Evaluaties' }).isVisible(), 'opened, the menu holding the page is open');
    await nav.getByRole('button', { name: /^Menu/ }).click();
    await nav.getByRole('button', { name: /^Menu/ }).click();
    await nav.getByRole('button', { name: /^Menu/ }).click();
    assert.equal(await nav.getByRole('link').count(), 0, 'a second press folds it again');
    await nav.getByRole('button', { name: /^Menu/ }).click();
    await nav.getByRole('link', { name: /^Start/ }).focus();
    await page.keyboard.press('Escape');
    assert.equal(await nav.getByRole('link').count(), 0, 'Escape folds it');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'utrecht-button utrecht-button--subtle app-nav__menu-button');
  } finally {
    await page.close();
  }
});

// Two menus dropped over the page on top of each other, and neither Escape nor a click elsewhere closed one.
test('navigation menus: one open at a time, closed by Escape or a click elsewhere (beheerder, 1366 px)', async () => {
  const context = await contextFor('beheerder', VIEWPORTS[0]);
  const page = await context.newPage();
  try {
    await h.visit(page, '/');
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    const menu = (label) => nav.locator('details', { has: page.locator('summary', { hasText: label }) });
    const open = () => nav.locator('details[open] > summary').allInnerTexts();
    await menu('Register').locator('summary').click();
    assert.deepEqual(await open(), ['Register']);
    await menu('Beheer').locator('summary').click();
    assert.deepEqual(await open(), ['Beheer'], 'opening one closes the other');
    await page.keyboard.press('Escape');
    assert.deepEqual(await open(), [], 'Escape closes it');
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Beheer', 'focus back on its label');
    await menu('Register').locator('summary').click();
    await page.getByRole('contentinfo').click();
    assert.deepEqual(await open(), [], 'a click elsewhere closes it');
  } finally {
    await page.close();
  }
});

test('navigation menu with the keyboard alone (CISO)', async () => {
  const context = await contextFor('ciso', VIEWPORTS[0]);
  const page = await context.newPage();
  try {
    await h.visit(page, '/te-beoordelen');
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { tag: el.tagName.toLowerCase(), text: el.textContent.trim(), outline: parseFloat(style.outlineWidth) || 0, outlineStyle: style.outlineStyle };
      });
    let f = { text: '' };
    for (let i = 0; i < 20 && !(f.tag === 'summary' && f.text === 'Register'); i++) {
      await page.keyboard.press('Tab');
      f = await focused();
    }
    assert.equal(f.tag, 'summary', 'Tab reaches the menu label "Register"');
    assert.ok(f.outline >= 2 && f.outlineStyle !== 'none', `the focused menu label shows a focus ring (${f.outline}px ${f.outlineStyle})`);
    const menu = page.locator('details', { has: page.locator('summary', { hasText: 'Register' }) });
    assert.equal(await menu.evaluate((d) => d.open), false, 'the menu starts closed');
    await page.keyboard.press('Enter');
    assert.equal(await menu.evaluate((d) => d.open), true, 'Enter opens the menu');
    for (let i = 0; i < 10 && f.text !== 'Evaluaties'; i++) {
      await page.keyboard.press('Tab');
      f = await focused();
    }
    assert.equal(f.text, 'Evaluaties', 'Tab reaches a link in the open menu');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, '/evaluaties');
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    assert.equal(await nav.locator('summary', { hasText: 'Register' }).getAttribute('aria-current'), 'true', 'the menu holding the page is marked');
    assert.equal(await nav.locator('[aria-current="page"]').count(), 1, 'one link is the current page');
    assert.equal((await nav.locator('[aria-current="page"]').textContent()).trim(), 'Evaluaties');
  } finally {
    await page.close();
  }
});
