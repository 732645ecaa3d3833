'use strict';
// The person fields of the registration form (issue 24: the pages no longer list every member of the
// organisation). An employee types part of a name: the shared datalist gets the members that fit from
// /medewerkers/zoeken; where several people may be chosen (RASCI R), a picked person becomes a ticked box and
// the field is free for the next. A name that fits nobody comes back with a message naming the field and
// everything else still filled in; unticking a box removes the person. axe-core and html-validate on each state.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');

const browser = h.browserForFile();

const checked = h.checkPage;

const DIRK = 'Dirk de Directeur (directie@demo.example)';
const PIM = 'Pim Projectleider (projectleider@demo.example)';

/** Type like a person (key by key) and wait until the suggestions hold `expected`. */
async function typeAndWait(page, field, typed, expected) {
  await field.fill('');
  await field.pressSequentially(typed, { delay: 30 });
  await page.locator(`#medewerkers option[value="${expected}"]`).waitFor({ state: 'attached' });
}

test('people are typed, suggested, ticked and refused by name, without the page listing every member', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    const name = r.uniqueName('Personenkiezer');
    await r.startRegistration(page, name);
    // The owner starts as the employee who registers, shown by name and e-mail address.
    assert.equal(await page.locator('#owner_id').inputValue(), 'Mila de Medewerker (medewerker@demo.example)');
    // Another owner is typed over it: focusing the field selects the text, so the first key replaces it.
    await page.locator('#owner_id').click();
    await page.keyboard.type('Pim');
    assert.equal(await page.locator('#owner_id').inputValue(), 'Pim');
    await page.locator('#owner_id').fill('Mila de Medewerker (medewerker@demo.example)');
    await r.fillDraft(page, { description: 'Test van de personenkiezer.', provider: 'Testleverancier', department: 'Burgerzaken' });
    await r.next(page);
    const id = h.applicationIdFrom(page.url());
    await h.visit(page, `/register/${id}/bewerken/verantwoordelijken`);
    assert.equal(await page.locator('select').count(), 0, 'no person select with every member');

    const addR = page.locator('#rasci_R').getByLabel('Medewerker toevoegen');
    await typeAndWait(page, addR, 'dir', DIRK);
    const suggested = await page.locator('#medewerkers option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(suggested.length <= 20, 'at most twenty suggestions');
    for (const s of suggested) assert.match(s, /(^|\s)dir|\(dir/i, `${s} fits "dir"`);

    // Picking a suggestion (the browser puts its value in the field) ticks the person and empties the field.
    await addR.fill(DIRK);
    const ticked = page.locator('#rasci_R').getByRole('checkbox', { name: DIRK });
    assert.ok(await ticked.isChecked(), 'Dirk is ticked under R');
    assert.equal(await addR.inputValue(), '');
    await typeAndWait(page, addR, 'Pim', PIM);
    await addR.fill(PIM);
    assert.ok(await page.locator('#rasci_R').getByRole('checkbox', { name: PIM }).isChecked(), 'Pim is ticked too');
    await typeAndWait(page, addR, 'dir', DIRK);
    await addR.fill(DIRK);
    assert.equal(await page.locator('#medewerkers-status').innerText(), `${DIRK} staat er al.`);
    assert.equal(await page.locator('#rasci_R').getByRole('checkbox').count(), 2, 'no one twice');

    // Another field starts with an empty list; Enter adds the one suggestion that fits instead of saving the step.
    const addS = page.locator('#rasci_S').getByLabel('Medewerker toevoegen');
    await addS.focus();
    assert.equal(await page.locator('#medewerkers option').count(), 0, 'no suggestions left from R');
    const url = page.url();
    await typeAndWait(page, addS, 'projectl', PIM);
    await addS.press('Enter');
    assert.equal(page.url(), url, 'Enter did not save the step');
    assert.ok(await page.locator('#rasci_S').getByRole('checkbox', { name: PIM }).isChecked(), 'Pim added under S');
    assert.equal(await page.locator('#medewerkers-status').innerText(), `${PIM} toegevoegd. Typ een volgende naam, of sla op.`);
    await page.locator('#rasci_S').getByRole('checkbox', { name: PIM }).uncheck();

    // A name that fits nobody: the step comes back with the message at the field, the rest as it was.
    const a = page.locator('#rasci_A').getByLabel('Medewerker');
    await a.fill('Onbekende Persoon');
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Opslaan')]);
    const error = page.locator('#rasci_A-error');
    assert.match(await error.innerText(), /Bij A \(Accountable\) is geen medewerker „Onbekende Persoon” gevonden/);
    assert.equal(await page.locator('#rasci_A').getByLabel('Medewerker').inputValue(), 'Onbekende Persoon');
    for (const who of [DIRK, PIM]) {
      assert.ok(await page.locator('#rasci_R').getByRole('checkbox', { name: who }).isChecked(), `${who} still ticked`);
    }
    assert.match(await page.locator('#rasci_A-user').getAttribute('aria-describedby'), /rasci_A-error/);
    await checked(page, 'RASCI step with a person not found');

    // Typed as an e-mail address, the Accountable is found; unticking Pim takes him off R.
    await page.locator('#rasci_A').getByLabel('Medewerker').fill('directie@demo.example');
    await page.locator('#rasci_R').getByRole('checkbox', { name: PIM }).uncheck();
    await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Opslaan')]);
    assert.equal(await page.locator('#rasci_A-error').count(), 0);
    await h.visit(page, `/register/${id}/bewerken/verantwoordelijken`);
    assert.equal(await page.locator('#rasci_A').getByLabel('Medewerker').inputValue(), DIRK);
    const people = await page.locator('#rasci_R').getByRole('checkbox').evaluateAll((bs) => bs.map((b) => b.labels[0].textContent));
    assert.deepEqual(people, [DIRK], 'R holds Dirk only');
    await checked(page, 'RASCI step with people chosen');

    await h.visit(page, `/register/${id}`);
    const rasci = await page.locator('main').innerText();
    assert.match(rasci, /Dirk de Directeur/);
    assert.doesNotMatch(rasci, /Pim Projectleider/);
  } finally {
    await context.close();
  }
});
