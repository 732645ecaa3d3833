'use strict';
// The EU database sheet of a high-risk system (issue 23, item 5): the demo's CV screening is high-risk AI and
// has no completed IAMA/FRAIA or DPIA, so the sheet says per Annex VIII field what is still missing; the
// registration's page links to it, and the Excel download is offered. The supplier link is there too (item 4).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

let browser;
before(async () => {
  browser = await h.launch();
});
after(async () => {
  await browser?.close();
});

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
