'use strict';
// The "Kopieer link" button next to a new user's activation link (issue 18): it copies the whole link to the
// clipboard and says "Gekopieerd" in its live region; without JavaScript the button stays hidden.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const { submitAndStatus } = require('../lib/pages');

const browser = h.browserForFile();

async function createUser(page) {
  await page.goto('/beheer/gebruikers/nieuw');
  const unique = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await page.getByLabel('Naam', { exact: true }).fill(`Kopieer Collega ${unique}`);
  await page.getByLabel('E-mailadres').fill(`kopieer-${unique}@demo.example`);
  await page.getByLabel('Medewerker', { exact: true }).check();
  await submitAndStatus(page, 'Toevoegen');
  return (await page.locator('#activeringslink').textContent()).trim();
}

test('Kopieer link puts the whole activation link on the clipboard and says so', async () => {
  const { context, page } = await h.newSession(browser, 'beheerder', {
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  try {
    const link = await createUser(page);
    assert.match(link, /\/activeren\/[0-9a-f]{64}$/);
    await page.getByRole('button', { name: 'Kopieer link' }).click();
    await page.getByRole('status').filter({ hasText: 'Gekopieerd' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  } finally {
    await context.close();
  }
});

test('without JavaScript the button is not shown and the link is still there to select', async () => {
  const { context, page } = await h.newSession(browser, 'beheerder', { javaScriptEnabled: false });
  try {
    const link = await createUser(page);
    assert.match(link, /\/activeren\//);
    assert.equal(await page.getByRole('button', { name: 'Kopieer link' }).count(), 0);
  } finally {
    await context.close();
  }
});
