'use strict';
// The EU database sheet of a high-risk system (issue 23, item 5): the demo's CV screening is high-risk AI and
// has no completed IAMA/FRAIA or DPIA, so the sheet says per Annex VIII field what is still missing; the
// registration's page links to it, and the Excel download is offered. The supplier link is there too (item 4).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const browser = h.browserForFile();

test('the EU sheet of a high-risk system lists what is still missing per field', async () => {
  const { context, page } = await h.newSession(browser, 'projectleider');
  try {
    const id = await h.applicationId(page, 'CV-screening sollicitaties');
    await h.visit(page, `/register/${id}`);
    await page.getByRole('link', { name: 'voorbereidingsblad voor de EU-databank' }).click();
    await page.getByRole('heading', { name: 'EU-databank: voorbereidingsblad' }).waitFor();
    assert.match(await page.locator('main').innerText(), /Voorbereidingsblad\./);
    const rows = page.getByRole('table').getByRole('row');
    assert.equal(await rows.count(), 6, 'a header row and the five fields of Annex VIII, section C');
    const missing = async (n) => (await rows.nth(n).getByRole('cell').nth(1).innerText()).trim();
    assert.match(await missing(3), /URL of code van de aanbieder/);
    assert.match(await missing(4), /afgeronde IAMA of FRAIA/);
    assert.match(await missing(5), /afgeronde DPIA/);
    assert.match(await page.locator('main').innerText(), /Bij 5 van de 5 velden ontbreekt nog iets/);
    const download = await page.request.get(`/register/${id}/eu-databank.xlsx`);
    assert.equal(download.status(), 200);
    assert.match(download.headers()['content-type'], /spreadsheetml/);
  } finally {
    await context.close();
  }
});

test('a registration links to its supplier record, which lists its registrations', async () => {
  const { context, page } = await h.newSession(browser, 'projectleider');
  try {
    const id = await h.applicationId(page, 'Microsoft 365 Copilot');
    await h.visit(page, `/register/${id}`);
    await page.getByRole('link', { name: 'Microsoft', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Microsoft' }).waitFor();
    const text = await page.locator('main').innerText();
    assert.match(text, /Microsoft 365 Copilot/);
    assert.match(text, /De verwerkersovereenkomst van Microsoft verloopt op/);
  } finally {
    await context.close();
  }
});

const checked = h.checkPage;

test('with the deployer address and the provider entry filled in, the sheet lists only what is still missing', async () => {
  const admin = await h.newSession(browser, 'beheerder');
  const pl = await h.newSession(browser, 'projectleider');
  try {
    // The beheerder enters the address under Beheer → Organisaties; empty is refused on the field.
    const page = admin.page;
    await h.visit(page, '/beheer/organisaties');
    await Promise.all([page.waitForNavigation(), page.locator('main table a').first().click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Postadres en contact als gebruiksverantwoordelijke' }).click()]);
    await checked(page, 'Deployer address form');
    await page.getByLabel('Contact').fill('Team Informatiebeheer, ai@demo.example');
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Opslaan')]);
    assert.match(await page.locator('#postal_address-error').innerText(), /postadres/);
    assert.equal(await page.getByLabel('Contact').inputValue(), 'Team Informatiebeheer, ai@demo.example');
    await checked(page, 'Deployer address form with an error');
    await page.getByLabel('Postadres').fill('Postbus 100\n1234 AB Demodam');
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Opslaan')]);
    assert.match(await h.flash(page), /Het adres en contact zijn opgeslagen/);

    // The projectleider enters the provider's EU database entry on the sheet.
    const id = await h.applicationId(pl.page, 'CV-screening sollicitaties');
    await h.visit(pl.page, `/register/${id}/eu-databank`);
    assert.match(await pl.page.locator('main').innerText(), /beslishulp AI-verordening is voor dit systeem nog niet afgerond/);
    const entry = pl.page.getByLabel('URL of code van de registratie door de aanbieder');
    await entry.fill('http://eudb.example/hr');
    await Promise.all([pl.page.waitForNavigation(), h.clickButton(pl.page, 'Opslaan')]);
    assert.match(await pl.page.locator('#provider_reference-error').innerText(), /https:\/\//);
    await checked(pl.page, 'EU sheet with a refused provider entry');
    await entry.fill('EUDB-HR-2027-0042');
    await Promise.all([pl.page.waitForNavigation(), h.clickButton(pl.page, 'Opslaan')]);
    assert.match(await h.flash(pl.page), /De registratie van de aanbieder is opgeslagen/);
    const rows = pl.page.getByRole('table').getByRole('row');
    const cells = async (n) => (await rows.nth(n).getByRole('cell').allInnerTexts()).map((t) => t.trim());
    assert.match((await cells(1))[0], /Postbus 100, 1234 AB Demodam, Team Informatiebeheer/);
    assert.equal((await cells(1))[1], 'Niets');
    assert.match((await cells(3))[0], /^EUDB-HR-2027-0042/);
    assert.equal((await cells(3))[1], 'Niets');
    assert.match((await cells(2))[0], /namens .*Postbus 100, 1234 AB Demodam/);
    assert.equal((await cells(2))[1], 'Niets');
    assert.match(await pl.page.locator('main').innerText(), /Bij 2 van de 5 velden ontbreekt nog iets/);
    await checked(pl.page, 'EU sheet with the new fields filled');
  } finally {
    await admin.context.close();
    await pl.context.close();
  }
});
