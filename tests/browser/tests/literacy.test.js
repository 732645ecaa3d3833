'use strict';
// AI-literacy (issue 22): an employee sees what is required of them and records a training they followed; the
// administrator confirms it and it counts (with the certificate uploaded, downloadable from both pages); the
// allowed-tools page says which training a tool requires and whether the employee has it; the coverage page links
// its export. Every page: axe-core at 0 violations and valid HTML.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');

const browser = h.browserForFile();

const checked = h.checkPage;

test('an employee records a training, the administrator confirms it, the allowed-tools page shows what is required', async () => {
  const emp = await h.newSession(browser, 'medewerker');
  const admin = await h.newSession(browser, 'beheerder');
  try {
    const page = emp.page;
    await h.visit(page, '/ai-geletterdheid');
    await checked(page, 'Mijn AI-geletterdheid');
    const required = page.getByRole('table', { name: 'Vereiste trainingen' });
    const row = required.getByRole('row', { name: /Basistraining AI-geletterdheid/ });
    assert.match(await row.innerText(), /rol Medewerker/);

    // A date in the future is refused on the field, with the choice kept.
    await page.getByLabel('Training', { exact: true }).selectOption({ label: 'Copilot veilig gebruiken (basis)' });
    await page.getByLabel('Afgerond op').fill('2199-01-01');
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Training vastleggen')]);
    assert.match(await page.locator('.app-error-summary').innerText(), /De datum van afronding ligt in de toekomst/);
    // The focus starts at the summary (static/errors.js), so the keyboard and a screen reader begin at what to fix.
    await page.waitForFunction(() => document.activeElement?.classList.contains('app-error-summary'));
    await checked(page, 'Mijn AI-geletterdheid with an error');
    assert.equal((await page.locator('#training_id option:checked').innerText()).trim(), 'Copilot veilig gebruiken (basis)');

    // A certificate that is no PDF although named so: refused on the field, the rest kept.
    await page.getByLabel('Afgerond op').fill('2026-03-02');
    await page.getByLabel('Link naar het certificaat (optioneel)').fill('https://leren.example.nl/certificaat/42');
    const certificate = page.getByLabel('Certificaat (optioneel)', { exact: true });
    await certificate.setInputFiles({ name: 'certificaat.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>geen pdf</html>') });
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Training vastleggen')]);
    assert.match(await page.locator('.app-error-summary').innerText(), /Certificaat: Dit bestand is geen PDF/);
    assert.match(await page.locator('#document-error').innerText(), /Certificaat: Dit bestand is geen PDF/);
    assert.equal(await page.getByLabel('Afgerond op').inputValue(), '2026-03-02');
    assert.equal(await page.getByLabel('Link naar het certificaat (optioneel)').inputValue(), 'https://leren.example.nl/certificaat/42');
    await checked(page, 'Mijn AI-geletterdheid with a refused certificate');

    await certificate.setInputFiles({ name: 'certificaat.pdf', mimeType: 'application/pdf', buffer: PDF });
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Training vastleggen')]);
    assert.match(await h.flash(page), /De training is vastgelegd/);
    assert.match(await page.locator('main').innerText(), /Copilot veilig gebruiken, afgerond op .* Wacht op bevestiging .*certificaat certificaat\.pdf/);
    const own = page.getByRole('link', { name: 'certificaat certificaat.pdf' });
    const href = await own.getAttribute('href');
    const download = await page.request.get(href);
    assert.equal(download.status(), 200);
    assert.match(download.headers()['content-disposition'], /^attachment/);
    assert.deepEqual(Buffer.from(await download.body()), PDF);
    await checked(page, 'Mijn AI-geletterdheid with a certificate');

    // The administrator confirms it.
    await h.visit(admin.page, '/ai-geletterdheid/beheer');
    await checked(admin.page, 'AI-geletterdheid beheren');
    const waiting = admin.page.locator('li', { hasText: 'Copilot veilig gebruiken, afgerond op' });
    assert.equal(await waiting.getByRole('link', { name: 'certificaat certificaat.pdf' }).getAttribute('href'), href);
    assert.equal((await admin.page.request.get(href)).status(), 200);
    await Promise.all([admin.page.waitForNavigation(), h.clickButton(waiting, 'Bevestigen')]);
    assert.match(await h.flash(admin.page), /bevestigd/);
    await h.visit(admin.page, '/ai-geletterdheid/dekking');
    await checked(admin.page, 'Dekking AI-geletterdheid');
    // The export for the annual report: a row per person and required training.
    const csvHref = await admin.page.getByRole('link', { name: 'dekking per persoon (CSV)' }).getAttribute('href');
    const csv = await admin.page.request.get(csvHref);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-disposition'], /^attachment/);
    assert.match(await csv.text(), /^\uFEFF"Naam","E-mailadres","Afdeling","Training","Reden","Stand","Afgerond op","Geldig tot"\r\n/);
    const xlsxHref = await admin.page.getByRole('link', { name: 'dekking per persoon (Excel)' }).getAttribute('href');
    const xlsx = await admin.page.request.get(xlsxHref);
    assert.equal(xlsx.status(), 200);
    assert.equal(Buffer.from(await xlsx.body()).subarray(0, 2).toString(), 'PK');

    await h.visit(page, '/ai-geletterdheid');
    assert.match(await page.locator('main').innerText(), /Copilot veilig gebruiken, afgerond op .* Bevestigd/);

    // The allowed-tools page: what a tool requires and whether the employee has it.
    await h.visit(page, '/toegestane-tools');
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Vereiste training' }) });
    assert.match(await section.innerText(), /Copilot desktop Windows 11 \(gratis\): Copilot veilig gebruiken – U hebt deze training/);
    await checked(page, 'Toegestane AI-tools with training');
  } finally {
    await emp.context.close();
    await admin.context.close();
  }
});

test('the administrator imports completions from a CSV file: a dry run reports a bad line, then a good file is imported', async () => {
  const admin = await h.newSession(browser, 'beheerder');
  try {
    const page = admin.page;
    const csv = (text) => ({ name: 'afrondingen.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    const upload = async (text) => {
      await page.getByLabel(/^Bestand/).setInputFiles(csv(text));
      await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Inlezen')]);
    };
    await h.visit(page, '/ai-geletterdheid/beheer');
    assert.ok(await page.getByLabel('Proefimport (niets opslaan)').isChecked(), 'a dry run is the default');

    // A file with an unknown person: reported by line and field, nothing written.
    await upload('E-mail;Training;Datum\nfg@demo.example;Basistraining AI-geletterdheid;10-02-2026\nniemand@demo.example;Basistraining AI-geletterdheid;10-02-2026\n');
    const report = page.getByRole('table', { name: 'Per regel' });
    assert.match(await report.getByRole('row', { name: /niemand@demo\.example/ }).innerText(), /^3\s.*e-mail: onbekende medewerker „niemand@demo\.example”/s);
    assert.match(await page.locator('main').innerText(), /1 van de 2 regels heeft fouten; er is niets opgeslagen/);
    await checked(page, 'AI-geletterdheid beheren, import with a bad line');

    // The good file: first the dry run (after which the next step is the import), then the import.
    const good = 'email,training,date,certificaat\nfg@demo.example,Basistraining AI-geletterdheid,2026-02-10,https://leren.example.nl/c/7\ndirectie@demo.example,Basistraining AI-geletterdheid,11-02-2026,\n';
    await upload(good);
    assert.match(await page.locator('main').innerText(), /2 afgeronde trainingen in orde \(proefimport/);
    assert.equal(await report.getByRole('row', { name: /Wordt vastgelegd en bevestigd/ }).count(), 2);
    assert.ok(!(await page.getByLabel('Proefimport (niets opslaan)').isChecked()), 'after a good dry run the import is next');
    await checked(page, 'AI-geletterdheid beheren, import dry run in order');
    await upload(good);
    assert.match(await page.locator('main').innerText(), /2 afgeronde trainingen geïmporteerd en bevestigd\./);
    await checked(page, 'AI-geletterdheid beheren, import done');

    // Importing the same file again: every line is a duplicate now.
    await page.getByLabel('Proefimport (niets opslaan)').check();
    await upload(good);
    assert.equal(await report.getByRole('row', { name: /deze afronding staat al in het register/ }).count(), 2);
  } finally {
    await admin.context.close();
  }
});
