'use strict';
// Registration fields (issue 24): the CISO's "Valt onder bestaande registratie" and the administrator's
// "Vereist voor de tool" search the register instead of listing all of it. Real keystrokes make
// static/pick.js replace the radio buttons with the registrations that fit (from /register/kiezen); the one
// chosen stays when the search changes; Enter chooses the only one found instead of sending the form; and the
// form links or saves the one chosen. Both states are checked with axe-core and html-validate.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');
const q = require('../lib/request');

const browser = h.browserForFile();

/** The labels of the radio buttons of a registration field, in order. */
async function choices(scope) {
  return scope.locator('.app-pick__choices label').allInnerTexts();
}

/** Type like a person (key by key) and wait until the field's status line says what was found. */
async function search(page, field, text, found) {
  const status = page.locator(`#${await field.getAttribute('data-kies-veld')}-status`);
  await status.evaluate((el) => {
    el.textContent = '';
  });
  await field.fill('');
  await field.pressSequentially(text, { delay: 30 });
  await page.waitForFunction(([id, want]) => document.getElementById(id).textContent.includes(want), [await status.getAttribute('id'), found]);
}

test('the CISO finds the registration a request falls under by typing, and links it', async () => {
  const employee = await h.newSession(browser, 'medewerker');
  const ciso = await h.newSession(browser, 'ciso');
  try {
    const tool = r.uniqueName('Copilot voor notulen');
    const path = await q.requestTool(employee.page, {
      tool,
      purpose: 'Verslagen maken van ons wekelijkse teamoverleg.',
      classes: ['Interne informatie'],
      department: 'Burgerzaken',
      users: '2 tot 10 mensen',
      usage: 'Ik wil de tool gaan gebruiken',
      supplier: 'https://copilot.example',
      citizens: 'Nee',
    });

    const page = ciso.page;
    await h.visit(page, path);
    const region = page.getByRole('region', { name: 'Valt onder bestaande registratie' });
    // Before any input the field searched the tool's name: nothing in the register has it.
    assert.equal((await choices(region)).length, 0);
    assert.match(await region.getByRole('status').innerText(), /Geen registratie gevonden met „Copilot voor notulen/);

    const field = region.getByLabel('Zoek op (een deel van) de naam');
    await search(page, field, 'copilot', 'registraties gevonden');
    const found = await choices(region);
    assert.ok(found.length >= 3, found.join(' | '));
    assert.ok(found.every((c) => /copilot/i.test(c)), found.join(' | '));
    await region.getByLabel(/^GitHub Copilot – /).check();
    await h.checkPage(page, 'Triage: registrations found while typing');

    // Another search keeps the one chosen, at the top, and still checked.
    await search(page, field, 'chatgpt', 'registraties gevonden');
    const after = await choices(region);
    assert.match(after[0], /^GitHub Copilot – /);
    assert.match(await region.getByRole('status').innerText(), /registraties gevonden\. Uw eerdere keuze staat er bovenaan bij\.$/);
    assert.ok(after.slice(1).every((c) => /chatgpt/i.test(c)), after.join(' | '));
    assert.ok(await region.getByLabel(/^GitHub Copilot – /).isChecked());

    // Enter in the search box chooses the only one found and does not send the form; pressed at once (pasted, no
    // list for the text yet), it searches first.
    await field.fill('chatgpt team');
    await field.press('Enter');
    await region.getByRole('status').filter({ hasText: 'gekozen.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, path, 'still on the request');
    assert.ok(await region.getByLabel(/^ChatGPT Team – /).isChecked());
    assert.match(await region.getByRole('status').innerText(), /^ChatGPT Team .* gekozen\.$/);
    assert.ok(!(await region.getByRole('button', { name: 'Zoeken' }).isVisible()), 'the list is live: no Zoeken button');

    await Promise.all([page.waitForNavigation(), h.clickButton(region, 'Koppelen')]);
    assert.match(await h.flash(page), /valt onder de bestaande registratie/);
    assert.match(await q.state(page), /^Valt onder een bestaande registratie/);
    assert.match(await page.locator('main').innerText(), /ChatGPT Team/);
  } finally {
    await employee.context.close();
    await ciso.context.close();
  }
});

test('the administrator requires a training for a tool found by name; a name that fits several comes back to choose', async () => {
  const admin = await h.newSession(browser, 'beheerder');
  try {
    const page = admin.page;
    await h.visit(page, '/ai-geletterdheid/beheer');
    const form = page.getByRole('region', { name: 'Eis toevoegen' });
    // Nothing of the register on the page until searched; nothing ticked ("Geen tool" is a choice of its own).
    assert.deepEqual(await choices(form), ['Geen tool']);
    assert.ok(!(await form.getByLabel('Geen tool', { exact: true }).isChecked()));

    // Typed but not chosen, then sent: a name that fits several registrations is refused on the field, with those
    // to choose from.
    await form.getByLabel('Training', { exact: true }).selectOption({ index: 1 });
    const field = form.getByLabel('Zoek op (een deel van) de naam');
    await field.fill('gratis');
    const [sent] = await Promise.all([page.waitForNavigation(), h.clickButton(form, 'Eis toevoegen')]);
    assert.equal(sent.status(), 422, `${sent.url()}: ${await page.locator('main').innerText()}`);
    const back = page.getByRole('region', { name: 'Eis toevoegen' });
    assert.match(await back.locator('.utrecht-form-field-error-message').innerText(), /Bij Vereist voor de tool: kies hieronder welke registratie u bedoelt met „gratis”\./);
    const found = await choices(back);
    assert.equal(found[0], 'Geen tool');
    assert.ok(found.length >= 4 && found.slice(1).every((c) => /gratis/i.test(c)), found.join(' | '));
    await h.checkPage(page, 'Eis toevoegen: several registrations fit');

    // Choose one of them and save.
    await back.getByLabel(/^Gemini \(gratis\) – /).check();
    await Promise.all([page.waitForNavigation(), h.clickButton(back, 'Eis toevoegen')]);
    assert.match(await h.flash(page), /De eis is toegevoegd/);
    const requirement = page.locator('li li', { hasText: 'Vereist: Wie Gemini (gratis) gebruikt' });
    assert.equal(await requirement.count(), 1, await page.locator('main').innerText());
    // Leave the demo as it was. The link says which requirement it removes (for a screen reader; the rest of
    // the text is hidden), and the page it opens asks before anything goes.
    const remove = requirement.getByRole('link', { name: /^Eis verwijderen\b/ });
    assert.match(await remove.textContent(), /^Eis verwijderen: .*, Wie Gemini \(gratis\) gebruikt$/);
    await Promise.all([page.waitForNavigation(), remove.click()]);
    assert.match(await page.locator('main').innerText(), /is dan niet meer vereist voor de gebruikers van Gemini \(gratis\)\./);
    await h.checkPage(page, 'Eis verwijderen: the question');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Eis verwijderen' }).click()]);
    assert.match(await h.flash(page), /De eis is verwijderd: „.*” is niet meer vereist voor de gebruikers van Gemini \(gratis\)\./);
    await h.checkPage(page, 'A training\'s page');
  } finally {
    await admin.context.close();
  }
});

test('without JavaScript the field searches with its Zoeken button (Enter in the box), and lands at the field', async () => {
  const admin = await h.newSession(browser, 'beheerder', { javaScriptEnabled: false });
  try {
    const page = admin.page;
    await h.visit(page, '/ai-geletterdheid/beheer');
    const form = page.getByRole('region', { name: 'Eis toevoegen' });
    await form.getByLabel('Training', { exact: true }).selectOption({ index: 1 });
    await form.getByLabel('Zoek op (een deel van) de naam').fill('gemini');
    const [searched] = await Promise.all([page.waitForNavigation(), form.getByLabel('Zoek op (een deel van) de naam').press('Enter')]);
    assert.equal(searched.status(), 200, 'a search, not an error');
    assert.equal(new URL(page.url()).hash, '#kop-eis', 'back at the field');
    const back = page.getByRole('region', { name: 'Eis toevoegen' });
    assert.deepEqual((await choices(back)).slice(1).map((c) => c.replace(/ – .*$/, '')), ['Gemini (gratis)']);
    assert.match(await back.getByRole('status').innerText(), /^1 registratie gevonden\.$/);
    await back.getByLabel(/^Gemini \(gratis\) – /).check();
    await Promise.all([page.waitForNavigation(), h.clickButton(back, 'Eis toevoegen')]);
    assert.match(await h.flash(page), /De eis is toegevoegd/);
    const requirement = page.locator('li li', { hasText: 'Vereist: Wie Gemini (gratis) gebruikt' });
    await Promise.all([page.waitForNavigation(), requirement.getByRole('link', { name: /^Eis verwijderen\b.*Wie Gemini \(gratis\) gebruikt$/ }).click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Eis verwijderen' }).click()]);
    assert.match(await h.flash(page), /De eis is verwijderd/);
  } finally {
    await admin.context.close();
  }
});
