'use strict';
// Journey a: an employee registers a new AI tool through the form in steps, saves the first step as a draft,
// finds it in the register and under "Mijn toepassingen", looks at the overview too early (the app names what is
// missing, with no submit button yet), then completes it step by step and submits it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');

const browser = h.browserForFile();

test('employee registers a new AI tool, saves a draft, submits it', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    const tool = {
      name: r.uniqueName('Vertaalhulp DeepL Pro'),
      description: 'Vertaalt interne notities en openbare teksten tussen Nederlands, Engels en Duits.',
      provider: 'DeepL SE',
      department: 'Communicatie',
      goal: 'Sneller openbare teksten en interne notities vertalen.\n\nElke vertaling wordt door een medewerker nagelezen.',
      accountable: 'Dirk de Directeur (directie@demo.example)',
    };

    // 1. Start from the register, give the name, fill in what a draft needs; "Opslaan en verder" saves a draft
    // and opens the next step.
    await r.startRegistration(page, tool.name);
    await r.fillDraft(page, tool);
    await r.save(page, 'Opslaan en verder');
    assert.match(await h.flash(page), new RegExp(`${r.escapeRe(tool.name)} is opgeslagen als concept`));
    assert.match(new URL(page.url()).pathname, /\/bewerken\/gebruik$/);
    const steps = page.getByRole('navigation', { name: 'Stappen van de registratie' });
    assert.equal((await steps.locator('[aria-current="step"]').innerText()).trim(), 'Gebruik en doel');
    assert.match(await steps.innerText(), /Algemeen\s*\(nog \d+ nodig\)/);
    await page.goto(`/register/${new URL(page.url()).pathname.split('/')[2]}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), tool.name);
    assert.equal(await r.workflowStatus(page), 'Concept');
    const detailUrl = page.url();
    h.applicationIdFrom(detailUrl);

    // The detail page says what is still needed before it can be submitted, and shows what was entered.
    const panel = page.getByRole('region', { name: 'Indienen ter beoordeling' });
    await assert.doesNotReject(panel.getByText('Nog nodig voordat u kunt indienen').waitFor());
    assert.ok(await panel.getByRole('link', { name: 'Doel en impact' }).count(), 'the missing purpose is named');
    assert.ok(await page.getByText(tool.provider, { exact: true }).count(), 'the provider is shown');

    // 2. The draft is in the register (search) and under "Mijn toepassingen" (the employee is its owner).
    await r.navigate(page, 'Register');
    await page.getByLabel('Zoeken', { exact: true }).fill(tool.name);
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Zoeken')]);
    const row = page.locator('table.app-register tbody tr', { has: page.getByRole('link', { name: tool.name }) });
    assert.equal(await row.count(), 1, 'the new tool is found in the register');
    assert.match(await row.innerText(), /Concept/);
    assert.match(await page.locator('.app-count').innerText(), /^1 toepassing gevonden/);

    await r.navigate(page, 'Mijn toepassingen');
    const mine = page.locator('tbody tr', { has: page.getByRole('link', { name: tool.name }) });
    assert.equal(await mine.count(), 1, 'the new tool is under Mijn toepassingen');
    assert.match(await mine.innerText(), /Concept/);

    // 3. Open it and look at the overview too early: the app names, in Dutch, what is missing, with links to the
    // steps, and offers no submit button yet.
    await Promise.all([page.waitForNavigation(), mine.getByRole('link', { name: tool.name }).click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('navigation', { name: 'Onderdelen van de registratie' }).getByRole('link', { name: 'Bewerken' }).click()]);
    assert.equal(await page.locator('#name').inputValue(), tool.name, 'editing starts at the first step');
    await Promise.all([page.waitForNavigation(), page.getByRole('navigation', { name: 'Stappen van de registratie' }).getByRole('link', { name: 'Overzicht en indienen' }).click()]);
    const missing = page.getByRole('region', { name: 'Nog nodig voordat u kunt indienen' });
    const missingText = await missing.innerText();
    for (const expected of ['Doel en impact', 'Gebruikscategorie', 'Precies één Accountable', 'Checklist verantwoorde inzet']) {
      assert.ok(missingText.includes(expected), `"${expected}" is named as missing:\n${missingText}`);
    }
    assert.equal(await page.getByRole('button', { name: 'Indienen' }).count(), 0, 'no submit button yet');

    // 4. Complete it step by step and submit it from the overview.
    await Promise.all([page.waitForNavigation(), page.getByRole('navigation', { name: 'Stappen van de registratie' }).getByRole('link', { name: 'Algemeen' }).click()]);
    assert.equal(await page.getByLabel(/^Korte omschrijving/).inputValue(), tool.description, 'what was saved is there');
    await r.fillForSubmission(page, tool);
    await r.save(page, 'Indienen');
    assert.equal(page.url(), detailUrl);
    assert.match(await h.flash(page), new RegExp(`${r.escapeRe(tool.name)} is ingediend ter beoordeling`));
    assert.equal(await r.workflowStatus(page), 'Ingediend');
    assert.equal(await page.getByRole('region', { name: 'Indienen ter beoordeling' }).count(), 0, 'no submit panel any more');
    // The own risk level follows from the data classes: internal information under an organisation licence.
    assert.match(await page.locator('.app-facts').innerText(), /Eigen risiconiveau\s+Middel/);
    // The history names the employee for the registration, the completion and the submission.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Geschiedenis' }).click()]);
    const entries = page.locator('.app-history__entry', { hasText: 'Mila de Medewerker' });
    assert.ok((await entries.count()) >= 3, `three events by the employee:\n${await page.locator('.app-history').innerText()}`);
  } finally {
    await context.close();
  }
});
