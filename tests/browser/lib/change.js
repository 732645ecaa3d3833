'use strict';
// A change of an approved tool (issue 18, item 5), as the people involved make it: a project lead registers and
// submits a complete tool, the CISO approves it under conditions, and the project lead then allows internal
// data without conditions (a material change), which sends it back to the CISO while the approved version
// stays on the allowed-tools list.

const assert = require('node:assert/strict');
const h = require('./harness');
const r = require('./register');

const CONDITIONS = 'Alleen teksten zonder namen van inwoners; de medewerker controleert elke samenvatting.';

/** The CISO decides on the review page (the form "Besluit van de CISO"). */
async function decide(page, id, choice, note) {
  await h.visit(page, `/register/${id}/beoordeling`);
  // Approving needs the CISO's own items of the checklist: tick those still open first.
  const checklist = page.getByRole('region', { name: 'Checklist verantwoorde inzet' });
  const boxes = checklist.getByRole('group', { name: 'Punten van de CISO' }).getByRole('checkbox');
  let ticked = 0;
  for (const box of await boxes.all()) {
    if (!(await box.isChecked())) {
      await box.check();
      ticked += 1;
    }
  }
  if (ticked) await Promise.all([page.waitForNavigation(), h.clickButton(checklist, 'Checklist opslaan')]);
  const form = page.getByRole('region', { name: 'Besluit van de CISO' });
  await form.getByLabel(choice, { exact: true }).check();
  if (note) await form.getByLabel('Voorwaarden, reden of vragen').fill(note);
  await Promise.all([page.waitForNavigation(), h.clickButton(form, 'Besluit vastleggen')]);
}

/** The owner opens "Bewerken", allows internal data without conditions, and saves. */
async function changeMaterially(page, id) {
  await h.visit(page, `/register/${id}/bewerken/alles`);
  await page.getByLabel('Interne informatie: Toegestaan', { exact: true }).check();
  await page.getByLabel(/^Doel en impact/).fill('Samenvatten en herschrijven van interne stukken; de medewerker controleert.');
  await r.save(page, 'Opslaan');
}

/**
 * Register, approve under conditions and change a tool; returns its name and id. `browser` is used for a
 * second session (the CISO), so four-eyes holds.
 */
async function approvedToolUnderChange(browser, ownerPage, prefix = 'Samenvatter intern') {
  const tool = {
    name: r.uniqueName(prefix),
    description: 'Vat interne stukken samen voor medewerkers.',
    provider: 'Tekstwerk BV',
    department: 'Communicatie',
    goal: 'Sneller interne stukken samenvatten; de medewerker controleert de samenvatting.',
    accountable: 'Dirk de Directeur (directie@demo.example)',
  };
  const url = await r.registerAndSubmit(ownerPage, tool);
  const id = h.applicationIdFrom(url);
  const ciso = await h.newSession(browser, 'ciso');
  try {
    await decide(ciso.page, id, 'Goedkeuren onder voorwaarden', CONDITIONS);
    assert.equal(await r.workflowStatus(ciso.page), 'Goedgekeurd onder voorwaarden');
  } finally {
    await ciso.context.close();
  }
  await changeMaterially(ownerPage, id);
  assert.match(await h.flash(ownerPage), /beoordeelt de CISO de toepassing opnieuw/);
  assert.equal(await r.workflowStatus(ownerPage), 'Ingediend');
  return { name: tool.name, id };
}

module.exports = { CONDITIONS, decide, changeMaterially, approvedToolUnderChange };
