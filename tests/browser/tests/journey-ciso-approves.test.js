'use strict';
// Journey b: the CISO opens "Te beoordelen", opens a submission whose gates pass, takes it into review and
// approves it under conditions; the status changes, the queue no longer lists it, the submitter gets a
// notification and the allowed-tools list shows the conditions.
//
// None of the demo submissions passes every gate at approval (their checklists are incomplete, and the
// ones with personal data lack a DPIA), so the journey first has a project lead register and submit a
// complete tool through the form: internal data only (own risk level "middel"), so neither FG advice nor
// management consent is required.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');

const browser = h.browserForFile();

test('CISO approves a submission under conditions; the submitter is notified', async () => {
  const submitter = await h.newSession(browser, 'projectleider');
  const ciso = await h.newSession(browser, 'ciso');
  try {
    const tool = {
      name: r.uniqueName('Notulenassistent Teams'),
      description: 'Maakt een conceptverslag van interne overleggen in Microsoft Teams.',
      provider: 'Microsoft',
      department: 'Bestuursondersteuning',
      goal: 'Sneller een conceptverslag van interne overleggen maken; de notulist controleert en vult aan.',
      accountable: 'Dirk de Directeur (directie@demo.example)',
      publish: true,
    };
    const conditions =
      'Alleen voor interne overleggen zonder persoonsgegevens; de notulist controleert elk verslag voordat het wordt verspreid.';

    await r.registerAndSubmit(submitter.page, tool);

    // The CISO's queue lists it as ready for a decision.
    const page = ciso.page;
    await r.navigate(page, 'Te beoordelen');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Te beoordelen');
    const row = page.locator('table.app-queue tbody tr', { has: page.getByRole('link', { name: tool.name }) });
    assert.equal(await row.count(), 1, 'the submission is in the CISO queue');
    // Open for approval: only the CISO's own items of the checklist.
    assert.match(await row.innerText(), /Checklist verantwoorde inzet/);
    assert.match(await row.innerText(), /Pim Projectleider/);

    // Open it: the submitter ticked the owner's items (who and when is shown); the CISO ticks the other four,
    // and then every gate is met.
    await Promise.all([page.waitForNavigation(), row.getByRole('link', { name: tool.name }).click()]);
    assert.match(new URL(page.url()).pathname, /\/beoordeling$/);
    const checklist = page.getByRole('region', { name: 'Checklist verantwoorde inzet' });
    assert.match(await checklist.innerText(), /Afgevinkt door Pim Projectleider op/);
    assert.match(await page.getByRole('region', { name: 'Voorwaarden voor goedkeuring' }).innerText(), /Nog niet afgevinkt door de CISO/);
    const boxes = checklist.getByRole('group', { name: 'Punten van de CISO' }).getByRole('checkbox');
    assert.equal(await boxes.count(), 4);
    for (const box of await boxes.all()) await box.check();
    await Promise.all([page.waitForNavigation(), h.clickButton(checklist, 'Checklist opslaan')]);
    assert.match(await page.getByRole('region', { name: 'Checklist verantwoorde inzet' }).innerText(), /Afgevinkt door Cas Visser \(CISO\) op/);
    assert.match(await page.getByRole('region', { name: 'Voorwaarden voor goedkeuring' }).innerText(), /Aan alle voorwaarden is voldaan/);
    assert.equal(await r.workflowStatus(page), 'Ingediend');

    // Take it up ("In behandeling nemen"), then decide.
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'In behandeling nemen')]);
    assert.equal(await r.workflowStatus(page), 'In beoordeling');

    const form = page.getByRole('region', { name: 'Besluit van de CISO' });
    await form.getByLabel('Goedkeuren onder voorwaarden', { exact: true }).check();
    await form.getByLabel('Voorwaarden, reden of vragen').fill(conditions);
    await Promise.all([page.waitForNavigation(), h.clickButton(form, 'Besluit vastleggen')]);

    assert.match(await h.flash(page), new RegExp(`Besluit vastgelegd: ${r.escapeRe(tool.name)} \\(goedgekeurd onder voorwaarden\\)`));
    assert.equal(await r.workflowStatus(page), 'Goedgekeurd onder voorwaarden');
    const decisions = page.getByRole('region', { name: 'Besluiten' });
    const decisionText = await decisions.innerText();
    assert.match(decisionText, /Goedgekeurd onder voorwaarden/);
    assert.match(decisionText, /Cas Visser \(CISO\)/);
    assert.ok(decisionText.includes(conditions), 'the conditions are shown with the decision');
    assert.equal(await page.getByRole('region', { name: 'Besluit van de CISO' }).count(), 0, 'no decision form any more');
    // Approval plans the next evaluation.
    assert.doesNotMatch(await page.getByRole('region', { name: 'Evaluatie' }).innerText(), /nog niet gepland/);

    // The queue no longer lists it.
    await r.navigate(page, 'Te beoordelen');
    assert.equal(await page.getByRole('link', { name: tool.name }).count(), 0, 'no longer waiting for review');

    // The submitter's notification, which leads to the decision.
    const sp = submitter.page;
    await r.navigate(sp, 'Meldingen');
    const note = sp.locator('.app-notifications li', { hasText: `${tool.name} is goedgekeurd onder voorwaarden` });
    assert.equal(await note.count(), 1, 'the submitter has a notification of the decision');
    assert.match(await note.innerText(), /Nieuw:/);
    assert.ok((await note.innerText()).includes(conditions), 'the notification quotes the conditions');
    await Promise.all([sp.waitForNavigation(), h.clickButton(note, 'Bekijken')]);
    assert.match(new URL(sp.url()).pathname, /\/beoordeling$/);
    assert.equal(await sp.getByRole('heading', { level: 1 }).innerText(), tool.name);

    // Every employee now sees it among the allowed tools, with the conditions.
    await r.navigate(sp, 'Toegestane AI-tools');
    const allowed = await sp.locator('main').innerText();
    assert.ok(allowed.includes(tool.name), 'the tool is on the allowed-tools list');
    assert.ok(allowed.includes(conditions), 'with the conditions of the approval');
  } finally {
    await submitter.context.close();
    await ciso.context.close();
  }
});
