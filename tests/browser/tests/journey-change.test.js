'use strict';
// Journey: a change of an approved tool (issue 18, item 5). The owner (project lead) changes a material field
// of a tool the CISO approved under conditions; every employee still sees the approved version on the
// allowed-tools page, marked "Goedgekeurd; wijziging in beoordeling", and "Mag ik … gebruiken voor …?" answers
// by it; the owner's page shows the banner with a link to the difference; the CISO sees the difference side
// by side and approves the change, after which the list shows the new values. Then the tool is put out of use,
// so the demo's printed list keeps its size for the other tests.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');
const c = require('../lib/change');

const browser = h.browserForFile();

/** The permission shown for internal data in the tool's row of the allowed-tools table. */
async function internalCell(page, name) {
  const row = page.locator('table.app-tools tbody tr', { has: page.getByRole('link', { name }) });
  assert.equal(await row.count(), 1, `${name} is on the allowed-tools list`);
  return { row, intern: (await row.locator('td').nth(1).innerText()).trim() };
}

test('an approved tool stays allowed as approved while the CISO reviews its change', async () => {
  const owner = await h.newSession(browser, 'projectleider');
  const employee = await h.newSession(browser, 'medewerker');
  const ciso = await h.newSession(browser, 'ciso');
  try {
    const tool = await c.approvedToolUnderChange(browser, owner.page, 'Samenvatter wijziging');

    // The owner's page: the banner, and its link to the difference.
    const op = owner.page;
    const banner = op.locator('.app-change-banner');
    assert.match(await banner.innerText(), /Goedgekeurd; wijziging in beoordeling\./);
    await Promise.all([op.waitForNavigation(), banner.getByRole('link', { name: /Bekijk de wijziging/ }).click()]);
    assert.equal(new URL(op.url()).hash, '#wijziging');
    assert.ok(await op.getByRole('region', { name: 'Wijziging van een goedgekeurde tool' }).isVisible());

    // The employee still sees the approved version.
    const ep = employee.page;
    await r.navigate(ep, 'Toegestane AI-tools');
    const { row, intern } = await internalCell(ep, tool.name);
    assert.equal(intern, 'Onder voorwaarden', 'the approved permission for internal data governs');
    assert.match(await row.innerText(), /Goedgekeurd; wijziging in beoordeling/);
    assert.ok((await row.innerText()).includes(c.CONDITIONS), 'the conditions of the approval still apply');
    await ep.getByLabel('Tool', { exact: true }).selectOption({ label: tool.name });
    await ep.getByLabel('Gegevens', { exact: true }).selectOption({ label: 'Interne informatie' });
    await Promise.all([ep.waitForNavigation(), h.clickButton(ep, 'Vraag')]);
    const answer = await ep.locator('.app-answer').innerText();
    assert.match(answer, /^Ja, onder voorwaarden:/);
    assert.match(answer, /Goedgekeurd; wijziging in beoordeling/);

    // The CISO: the queue lists it, the review page shows the difference side by side, material marked.
    const cp = ciso.page;
    await r.navigate(cp, 'Te beoordelen');
    assert.equal(await cp.getByRole('link', { name: tool.name }).count(), 1, 'the change waits for the CISO');
    await h.visit(cp, `/register/${tool.id}/beoordeling`);
    const diff = cp.getByRole('table', { name: /Gewijzigde velden/ });
    const internRow = diff.getByRole('row', { name: /Mag in de tool: interne informatie/ });
    assert.deepEqual(
      (await internRow.locator('th, td').allInnerTexts()).map((t) => t.trim()),
      ['Mag in de tool: interne informatie (wezenlijk)', 'Onder voorwaarden', 'Toegestaan'],
    );
    assert.equal(await diff.getByRole('row', { name: /Naam/ }).count(), 0, 'unchanged fields are left out');
    assert.doesNotMatch(await diff.innerText(), /Overig veld/);

    // The CISO approves the change: the list shows the new values, without the state.
    await c.decide(cp, tool.id, 'Wijziging goedkeuren');
    assert.match(await h.flash(cp), /Besluit vastgelegd/);
    assert.equal(await r.workflowStatus(cp), 'Goedgekeurd');
    await r.navigate(ep, 'Toegestane AI-tools');
    const approved = await internalCell(ep, tool.name);
    assert.equal(approved.intern, 'Toegestaan');
    assert.doesNotMatch(await approved.row.innerText(), /wijziging in beoordeling/);

    // Out of use: off the list again (keeps the demo's printed list to one page).
    await h.visit(op, `/register/${tool.id}/beoordeling`);
    await Promise.all([op.waitForNavigation(), h.clickButton(op, 'Buiten gebruik stellen')]);
    assert.equal(await r.workflowStatus(op), 'Buiten gebruik');
  } finally {
    await owner.context.close();
    await employee.context.close();
    await ciso.context.close();
  }
});
