'use strict';
// Suppliers (issue 23, item 4): the CISO uploads the processor agreement to a supplier record (a refused file
// comes back on the field with the kind still chosen), everyone downloads it; the registration form offers the
// known suppliers while typing and says how a typed name is linked. Every page state: axe-core at 0 violations
// and valid HTML.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');

const browser = h.browserForFile();

const checked = h.checkPage;

const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');

test('the CISO uploads the processor agreement of a supplier, which everyone can download', async () => {
  const ciso = await h.newSession(browser, 'ciso');
  const pl = await h.newSession(browser, 'projectleider');
  try {
    const page = ciso.page;
    await h.visit(page, '/leveranciers');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Microsoft', exact: true }).first().click()]);
    await page.getByRole('heading', { level: 1, name: 'Microsoft' }).waitFor();
    await checked(page, 'Supplier with the upload form');

    // Not a PDF although named so: refused on the field, the kind still chosen.
    await page.getByLabel('Soort document').selectOption({ label: 'Verwerkersovereenkomst' });
    await page.getByLabel('Bestand').setInputFiles({ name: 'VO Microsoft.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>geen pdf</html>') });
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Uploaden')]);
    assert.match(await page.locator('.app-error-summary').innerText(), /Dit bestand is geen PDF/);
    assert.match(await page.locator('#document-error').innerText(), /Dit bestand is geen PDF/);
    assert.equal(await page.getByLabel('Soort document').inputValue(), 'verwerkersovereenkomst');
    await checked(page, 'Supplier upload refused');

    await page.getByLabel('Bestand').setInputFiles({ name: 'VO Microsoft.pdf', mimeType: 'application/pdf', buffer: PDF });
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Uploaden')]);
    assert.match(await h.flash(page), /Verwerkersovereenkomst is geüpload/);
    const link = page.getByRole('link', { name: 'Verwerkersovereenkomst: VO Microsoft.pdf' });
    await link.waitFor();
    await checked(page, 'Supplier with an uploaded agreement');
    const href = await link.getAttribute('href');

    // A projectleider sees it listed and downloads it; there is no upload form for them.
    await h.visit(pl.page, new URL(page.url()).pathname);
    await pl.page.getByRole('link', { name: 'Verwerkersovereenkomst: VO Microsoft.pdf' }).waitFor();
    assert.equal(await pl.page.getByLabel('Bestand').count(), 0);
    const download = await pl.page.request.get(href);
    assert.equal(download.status(), 200);
    assert.match(download.headers()['content-disposition'], /^attachment/);
    assert.deepEqual(Buffer.from(await download.body()), PDF);
  } finally {
    await ciso.context.close();
    await pl.context.close();
  }
});

test('the registration form offers the known suppliers and links the chosen one', async () => {
  const { context, page } = await h.newSession(browser, 'projectleider');
  try {
    const name = r.uniqueName('Notulist');
    await r.startRegistration(page, name);
    const field = page.getByLabel(/^Leverancier/);
    assert.equal(await field.getAttribute('list'), 'provider-keuzes');
    const offered = await page.locator('#provider-keuzes option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes('Microsoft'), `the known suppliers are offered: ${offered}`);
    assert.match(await page.locator('#provider-hint').innerText(), /een nieuwe naam blijft tekst tot de CISO of beheerder die leverancier vastlegt/);
    await checked(page, 'Registration form with the supplier choices');

    await r.fillDraft(page, { description: 'Maakt notulen van Teams-vergaderingen.', provider: 'Microsoft', department: 'Bestuurszaken' });
    await r.save(page, 'Opslaan en verder');
    const id = h.applicationIdFrom(page.url());
    await h.visit(page, `/register/${id}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Microsoft', exact: true }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Microsoft' }).waitFor();
    assert.ok(await page.getByRole('link', { name }).count(), 'the supplier lists the new registration');
  } finally {
    await context.close();
  }
});
