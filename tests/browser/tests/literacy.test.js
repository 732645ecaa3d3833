'use strict';
// AI-literacy (issue 22): an employee sees what is required of them and records a training they followed; the
// administrator confirms it and it counts; the allowed-tools page says which training a tool requires and
// whether the employee has it. Every page: axe-core at 0 violations and valid HTML.

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

async function checked(page, label) {
  await h.assertNoAxeViolations(page, label);
  await h.assertValidHtml(await h.documentSource(page), label);
}

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
    await checked(page, 'Mijn AI-geletterdheid with an error');
    assert.equal((await page.locator('#training_id option:checked').innerText()).trim(), 'Copilot veilig gebruiken (basis)');

    await page.getByLabel('Afgerond op').fill('2026-03-02');
    await page.getByLabel('Link naar het certificaat (optioneel)').fill('https://leren.example.nl/certificaat/42');
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Training vastleggen')]);
    assert.match(await h.flash(page), /De training is vastgelegd/);
    assert.match(await page.locator('main').innerText(), /Copilot veilig gebruiken, afgerond op .* Wacht op bevestiging/);

    // The administrator confirms it.
    await h.visit(admin.page, '/ai-geletterdheid/beheer');
    await checked(admin.page, 'AI-geletterdheid beheren');
    const waiting = admin.page.locator('li', { hasText: 'Copilot veilig gebruiken, afgerond op' });
    await Promise.all([admin.page.waitForNavigation(), h.clickButton(waiting, 'Bevestigen')]);
    assert.match(await h.flash(admin.page), /bevestigd/);
    await h.visit(admin.page, '/ai-geletterdheid/dekking');
    await checked(admin.page, 'Dekking AI-geletterdheid');

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
