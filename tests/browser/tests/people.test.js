'use strict';
// Policy and literacy where they show (issue 22, item 4): the dashboard's coverage per department and role
// (directie: figures that open the policy's people; FG: the literacy lists), the training a tool requires on
// its registration, and the department on Beheer → Gebruikers with a refused value. axe-core (0 violations)
// and html-validate on every state.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const browser = h.browserForFile();

const checked = h.checkPage;

test('the dashboard counts policy and literacy per department and role, each figure opening its people', async () => {
  const { context, page } = await h.newSession(browser, 'directie');
  try {
    await h.visit(page, '/overzicht');
    const section = page.locator('section[aria-labelledby="kop-mensen"]');
    assert.match(await section.innerText(), /AI-beleid versie \d+ gelezen, per afdeling/);
    assert.match(await section.innerText(), /Vereiste trainingen per rol/);
    await checked(page, 'dashboard with policy and literacy coverage');
    // A department's "Bevestigd" figure opens who in it acknowledged the version.
    const table = section.locator('table', { hasText: 'gelezen, per afdeling' });
    const link = table.locator('tbody tr').first().locator('td').nth(1).getByRole('link');
    const count = Number(await link.innerText());
    await Promise.all([page.waitForNavigation(), link.click()]);
    const heading = await page.locator('#kop-selectie').innerText();
    assert.match(heading, new RegExp(`: bevestigd \\(${count}\\)$`));
    await checked(page, 'policy coverage of one department');
  } finally {
    await context.close();
  }
  const fg = await h.newSession(browser, 'fg');
  try {
    const { page } = fg;
    await h.visit(page, '/overzicht');
    const table = page.locator('table', { hasText: 'Vereiste trainingen per afdeling' });
    const link = table.locator('tbody tr').first().locator('td').first().getByRole('link');
    const count = Number(await link.innerText());
    await Promise.all([page.waitForNavigation(), link.click()]);
    assert.equal(new URL(page.url()).pathname, '/overzicht/ai-geletterdheid');
    assert.equal(await page.locator('tbody tr').count(), count, 'the list has as many rows as the figure says');
    await checked(page, 'literacy of one department');
  } finally {
    await fg.context.close();
  }
});

test('a registration lists the training its tool requires and how many of its users have it', async () => {
  const { context, page } = await h.newSession(browser, 'ciso');
  try {
    const id = await h.applicationId(page, 'Copilot desktop Windows 11 (gratis)');
    await h.visit(page, `/register/${id}`);
    const section = page.locator('section[aria-labelledby="kop-training"]');
    assert.match(await section.innerText(), /Copilot veilig gebruiken \(basis\): \d+ van \d+ gebruikers hebben deze training geldig/);
    await checked(page, 'registration with its required training');
  } finally {
    await context.close();
  }
});

test('the administrator sets a department, a too long one refused on the field', async () => {
  const { context, page } = await h.newSession(browser, 'beheerder');
  try {
    await h.visit(page, '/beheer/gebruikers');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Mila de Medewerker/ }).first().click()]);
    const field = page.getByLabel('Afdeling', { exact: true });
    await field.fill('x'.repeat(101));
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Afdeling opslaan')]);
    assert.match(await page.locator('.app-error-summary').innerText(), /Afdeling mag hoogstens 100 tekens/);
    assert.equal(await field.inputValue(), 'x'.repeat(101));
    await checked(page, 'user with a refused department');
    await field.fill('Burgerzaken');
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Afdeling opslaan')]);
    assert.match(await h.flash(page), /afdeling van .* is nu Burgerzaken|niet veranderd/);
    await checked(page, 'user with a department');
  } finally {
    await context.close();
  }
});
