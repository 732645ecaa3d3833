'use strict';
// The AI policy (issue 22, items 1 and 2). The administrator adds an article to the demo's policy (version 2,
// in force), saves the draft and publishes it as version 3 for everyone; an employee sees on the start page
// that there is a new version to read, opens it and acknowledges it once ("Ik heb het AI-beleid versie 3
// gelezen"); the directie sees the coverage per department with the employee counted, and the comparison of
// version 2 and 3 shows the new article as added. axe-core (0 violations) and html-validate on every page.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const browser = h.browserForFile();

const checked = h.checkPage;

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), h.clickButton(page, button)]);
}

test('a new version is published, acknowledged by an employee and counted for the directie', async () => {
  const article = `Art. 12 – Proef ${Date.now()}`;
  const admin = await h.newSession(browser, 'beheerder');
  let number;
  try {
    const { page } = admin;
    await h.visit(page, '/beleid');
    await page.getByRole('link', { name: /Concept bewerken|Nieuwe versie opstellen/ }).click();
    await page.waitForURL('**/beleid/concept');
    number = Number((await page.getByRole('heading', { level: 1 }).innerText()).match(/versie (\d+)/)[1]);
    // The draft starts from the text in force.
    const textarea = page.getByLabel('Tekst', { exact: true });
    assert.match(await textarea.inputValue(), /# Art\. 1 – Doel en reikwijdte/);
    // An empty title is refused on the field, with the text kept.
    await page.getByLabel('Titel').fill('');
    await textarea.fill(`${await textarea.inputValue()}\n\n# ${article}\n\nWij proberen nieuwe tools eerst in een afgeschermde omgeving.`);
    await submit(page, 'Concept opslaan');
    assert.match(await page.locator('.app-error-summary').innerText(), /Vul de titel in\./);
    assert.match(await textarea.inputValue(), new RegExp(article));
    await checked(page, 'policy draft with an error');
    await page.getByLabel('Titel').fill('AI-beleid Gemeente Demodam');
    await submit(page, 'Concept opslaan');
    assert.match(await h.flash(page), new RegExp(`concept van versie ${number} is opgeslagen`));
    await checked(page, 'policy draft');
    await submit(page, `Versie ${number} publiceren`);
    assert.match(await h.flash(page), new RegExp(`Versie ${number} is gepubliceerd`));
    assert.equal(new URL(page.url()).pathname, '/beleid');
    assert.match(await page.locator('main').innerText(), new RegExp(article));
  } finally {
    await admin.context.close();
  }

  const employee = await h.newSession(browser, 'medewerker');
  try {
    const { page } = employee;
    await h.visit(page, '/');
    const link = page.locator('.app-policy-link');
    assert.match(await link.innerText(), new RegExp(`AI-beleid versie ${number}.*bevestig dat u het gelezen hebt`));
    await link.getByRole('link').click();
    await page.waitForURL('**/beleid');
    await checked(page, 'policy in force, not yet acknowledged');
    await submit(page, `Ik heb het AI-beleid versie ${number} gelezen`);
    assert.match(await h.flash(page), new RegExp(`versie ${number} hebt gelezen`));
    assert.equal(await page.getByRole('button', { name: /Ik heb het AI-beleid/ }).count(), 0, 'acknowledged once');
    assert.match(await page.locator('.app-policy-acknowledge').innerText(), /U hebt op .* bevestigd/);
    await checked(page, 'policy in force, acknowledged');
    await h.visit(page, '/');
    assert.doesNotMatch(await page.locator('.app-policy-link').innerText(), /bevestig/);
  } finally {
    await employee.context.close();
  }

  const directie = await h.newSession(browser, 'directie');
  try {
    const { page } = directie;
    await h.visit(page, `/beleid/versie/${number}/dekking`);
    const rows = page.locator('table').first().locator('tbody tr', { hasText: 'Burgerzaken' });
    assert.match(await rows.innerText(), /Burgerzaken\s+1\s+1\s+100%/);
    const missing = await page.locator('table').nth(1).innerText();
    assert.doesNotMatch(missing, /Mila de Medewerker/);
    assert.match(missing, /Pim Projectleider/);
    await checked(page, 'policy coverage');
    await h.visit(page, `/beleid/vergelijken?van=${number - 1}&naar=${number}`);
    const added = page.locator('tr.app-diff--toegevoegd', { hasText: article });
    assert.equal(await added.count(), 1, 'the new article is shown as added');
    await checked(page, 'policy comparison');
    await h.visit(page, `/beleid/versie/${number}/afdrukken`);
    await checked(page, 'policy print');
  } finally {
    await directie.context.close();
  }
});
