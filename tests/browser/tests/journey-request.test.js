'use strict';
// The short request (issue 18, item 1), measured. An employee who has never used the register asks for a tool
// from the start page: "Nieuwe AI-tool aanvragen", the look-up (the tool is not in the register yet), the
// request's questions, "Aanvraag indienen". Every click and field goes through lib/request.js's meter; the
// journey prints one line "MEASURE request: …" and asserts at most ten fields. The same tool through the full
// registration (the old route: register, name, the one-page form, everything submission asks for) prints
// "MEASURE old-form: …" for comparison. The look-up's two other answers: an allowed tool ("Deze tool is al
// toegestaan voor …", with its conditions and data classes and a way to stop) and a forbidden one (why).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');
const q = require('../lib/request');

const browser = h.browserForFile();

/** What an employee of Burgerzaken answers for a note-taking assistant (internal meetings, no citizens). */
function notulenRequest() {
  return {
    tool: r.uniqueName('Notulen-assistent X'),
    purpose: 'Verslagen maken van ons wekelijkse teamoverleg, zodat niemand meer hoeft te notuleren.',
    classes: ['Interne informatie'],
    department: 'Burgerzaken',
    users: '2 tot 10 mensen',
    usage: 'Ik wil de tool gaan gebruiken',
    supplier: 'https://notulen-x.example',
    citizens: 'Nee',
  };
}

test('an untrained employee requests a tool that is not in the register in at most ten fields', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    const req = notulenRequest();
    await h.visit(page, '/');
    const m = q.meter(page);

    // The start page's first action; the look-up says the tool is not known yet and the questions follow.
    const answer = await q.lookUp(m, req.tool);
    assert.match(await answer.innerText(), /staat nog niet in het register\. Vraag de tool hieronder aan\./);
    // Plain Dutch: none of the register's jargon in what the employee reads.
    const form = await page.locator('main').innerText();
    assert.doesNotMatch(form, /RASCI|Accountable|DPIA|IAMA|Algoritmeregister|AI-verordening|risiconiveau|verwerkersovereenkomst/i);
    await q.answer(m, req);
    const path = await q.submit(m);
    const measured = m.line('request');
    console.log(measured);

    assert.ok(m.fields <= 10, `at most ten fields (${m.fieldNames.join(', ')})`);
    assert.match(await q.state(page), /^Ingediend/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Aanvraag: ${req.tool}`);
    // What was answered is what the request shows.
    const shown = await page.locator('main').innerText();
    for (const text of [req.purpose, 'Interne informatie', 'Burgerzaken', req.supplier]) {
      assert.ok(shown.includes(text), `the request shows "${text}"`);
    }

    // The employee's list ("Mijn aanvragen") has it, with the state "Ingediend", and it leads back.
    await r.navigate(page, 'Mijn aanvragen');
    const row = q.row(page, req.tool);
    assert.equal(await row.count(), 1, 'the request is in the employee’s list');
    assert.match(await row.innerText(), /Ingediend/);
    assert.equal(await row.getByRole('link').getAttribute('href'), path);
  } finally {
    await context.close();
  }
});

test('a request is saved as a concept with only its name, completed later and then submitted', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    const req = notulenRequest();
    await h.visit(page, '/');
    const m = q.meter(page);
    await q.lookUp(m, req.tool);
    // Submitting with nothing answered names every missing question, and the form keeps the name.
    assert.equal((await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Aanvraag indienen')]))[0].status(), 422);
    const summary = await page.locator('.app-error-summary').innerText();
    for (const field of ['Waarvoor', 'soorten gegevens', 'afdeling', 'hoeveel mensen', 'al wordt gebruikt', 'inwoners']) {
      assert.match(summary, new RegExp(field, 'i'), `the summary names "${field}":\n${summary}`);
    }
    assert.equal(await page.getByLabel(/^1\. Welke tool/).inputValue(), req.tool, 'the form comes back filled in');
    // Saving needs only the name.
    await m.press('Opslaan als concept');
    assert.match(await h.flash(page), /opgeslagen als concept/);
    assert.match(await q.state(page), /^Concept/);
    const concept = new URL(page.url()).pathname;
    // Asking for the same tool again: while the name is typed, the look-up says there is a concept already and
    // leads to it (not a second request unawares).
    await h.visit(page, '/aanvragen/nieuw');
    await page.getByLabel('Naam van de tool').pressSequentially(req.tool, { delay: 10 });
    const live = page.locator('#opzoeken-direct');
    await live.getByText(/opgeslagen als concept/).waitFor();
    assert.match(await live.innerText(), new RegExp(`al een aanvraag voor „${req.tool}” opgeslagen als concept`));
    assert.equal(await live.getByRole('link', { name: 'Bekijk uw aanvraag' }).getAttribute('href'), concept);
    // Later: the concept's page has the form; complete it and submit.
    await r.navigate(page, 'Mijn aanvragen');
    assert.match(await q.row(page, req.tool).innerText(), /Concept/);
    await m.navigate(q.row(page, req.tool).getByRole('link'));
    await q.answer(m, req);
    await q.submit(m);
    assert.match(await q.state(page), /^Ingediend/);
  } finally {
    await context.close();
  }
});

test('the look-up answers at once for an allowed tool (conditions, data classes, a way to stop)', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    // Gemini (gratis) is approved under conditions in the demo.
    await h.visit(page, '/');
    const m = q.meter(page);
    const answer = await q.lookUp(m, 'Gemini');
    const text = await answer.innerText();
    assert.match(text, /Gemini \(gratis\)/);
    assert.match(text, /Deze tool is al toegestaan voor [^.]*informatie/);
    assert.match(text, /Voorwaarden: Alleen met de gegevens die de tabel toestaat/);
    assert.match(text, /Gebruik de tool alleen voor deze gegevens\./);
    // Stopping here is offered, and so is asking anyway for another purpose.
    assert.equal(await answer.getByRole('link', { name: 'Dan hoef ik niets aan te vragen' }).count(), 1);
    assert.match(text, /Vraag hem dan hieronder toch aan\./);
    // The allowed-tools page agrees.
    await m.navigate(answer.getByRole('link', { name: 'Bekijk Gemini (gratis) in Toegestane AI-tools' }));
    assert.match(new URL(page.url()).pathname, /^\/toegestane-tools/);
    assert.ok((await page.locator('main').innerText()).includes('Gemini (gratis)'));
    console.log(m.line('look-up allowed'));
  } finally {
    await context.close();
  }
});

test('the look-up says a forbidden tool is forbidden, and why', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    await h.visit(page, '/');
    const m = q.meter(page);
    const answer = await q.lookUp(m, 'DeepSeek');
    const text = await answer.innerText();
    assert.match(text, /DeepSeek \(gratis\)/);
    assert.match(text, /Deze tool is niet toegestaan\. De reden: Gegevens worden buiten de EER verwerkt/);
    assert.doesNotMatch(text, /al toegestaan/);
    assert.equal(await answer.getByRole('link', { name: 'Dan hoef ik niets aan te vragen' }).count(), 0);
  } finally {
    await context.close();
  }
});

test('after "Opzoeken", another name in the box sets the earlier answer aside and "Welke tool?" follows', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    await h.visit(page, '/');
    const m = q.meter(page);
    const sent = page.locator('#opzoeken-antwoord');
    await q.lookUp(m, 'Gemini');
    assert.match(await sent.innerText(), /Deze tool is al toegestaan/);
    const tool = page.getByLabel(/^1\. Welke tool/);
    assert.equal(await tool.inputValue(), 'Gemini');
    // A forbidden tool typed next: the answer "toegestaan" for Gemini is not beside it (the walk-through saw
    // both), the live answer is for DeepSeek, and the request would be for DeepSeek.
    const box = page.getByLabel('Naam van de tool');
    await box.fill('');
    await box.pressSequentially('DeepSeek', { delay: 20 });
    assert.equal(await sent.isVisible(), false, 'the answer for Gemini is set aside');
    assert.equal(await tool.inputValue(), 'DeepSeek');
    const live = page.locator('#opzoeken-direct');
    await live.getByText(/Deze tool is niet toegestaan/).waitFor();
    assert.doesNotMatch(await page.getByRole('main').innerText(), /Dan hoef ik niets aan te vragen/);
    // Back to the name sent: its answer returns. A name changed in the form itself is left alone.
    await box.fill('Gemini');
    assert.equal(await sent.isVisible(), true);
    // The live answer for an allowed tool leads to its entry in the list, as the server's does.
    await live.getByRole('link', { name: 'Bekijk Gemini (gratis) in Toegestane AI-tools' }).waitFor();
    await tool.fill('Gemini Advanced');
    await box.pressSequentially(' Pro', { delay: 20 });
    assert.equal(await tool.inputValue(), 'Gemini Advanced');
  } finally {
    await context.close();
  }
});

test('the live look-up never shows the answer for a name no longer in the box', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    // The answer for "Qwx" is held back until a letter more has been typed (the walk-through's case: a letter
    // right after the pause, while the first answer was on its way).
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let asked = null;
    const first = new Promise((resolve) => { asked = resolve; });
    await page.route(/\/aanvragen\/opzoeken\?naam=Qwx$/, async (route) => {
      asked();
      await held;
      await route.continue();
    });
    await h.visit(page, '/aanvragen/nieuw');
    const box = page.getByLabel('Naam van de tool');
    const live = page.locator('#opzoeken-direct');
    await box.pressSequentially('Qwx', { delay: 10 });
    await first;
    await box.press('z');
    const late = page.waitForResponse(/\/aanvragen\/opzoeken\?naam=Qwx$/);
    release();
    await late;
    // The late answer has arrived and was not shown; then the answer for what is in the box is.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    assert.doesNotMatch(await live.innerText(), /„Qwx”/);
    await live.getByText('„Qwxz” staat nog niet in het register.').waitFor();
    assert.doesNotMatch(await live.innerText(), /„Qwx”/);
  } finally {
    await context.close();
  }
});

/**
 * The old route for the same tool: Register → "Nieuwe AI-toepassing registreren" → the name → the whole
 * form on one page ("Alles op één pagina"), filling in what submission needs (the fields marked "nodig voor
 * indienen" that the facts call for), "Opslaan en indienen".
 */
async function oldRoute(m, req) {
  const page = m.page;
  const register = page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: /^Register/, includeHidden: true });
  // The register's list is in the navigation's Register menu: open it first (one more click).
  await m.click(register.locator('xpath=ancestor::details[1]/summary'));
  await m.navigate(register);
  await m.navigate(page.getByRole('link', { name: 'Nieuwe AI-toepassing registreren' }));
  await m.fill(page.getByLabel('Hoe heet de tool of toepassing?'), req.tool);
  await m.press('Verder');
  // The stepwise form offers the whole form on one page: that is the old form.
  await m.navigate(page.getByRole('link', { name: 'Alles op één pagina' }));
  const form = { total: 0, required: 0 };
  form.total = await page.locator('main form').first().locator('input:not([type=hidden]), select, textarea').evaluateAll((els) => {
    const seen = new Set();
    for (const el of els) seen.add(el.name || el.id);
    return seen.size;
  });
  form.required = await page.locator('main .app-required').count();

  const choice = (legend, label) => r.choice(page, legend, label);
  await m.fill(page.getByLabel(/^Korte omschrijving/), 'Maakt verslagen van interne overleggen.');
  await m.fill(page.getByLabel(/^Leverancier/), 'Notulen X BV');
  await m.fill(page.getByLabel(/^Afdeling/), req.department);
  await m.check(choice('Gebruikscategorie', 'Interne productiviteit'));
  await m.select(page.getByLabel(/^Manier van inzet/), { label: 'Cloud (eigen omgeving)' });
  await m.check(choice('Licentie', 'Organisatielicentie met contractuele afspraken'));
  await m.check(choice('Generatieve AI', 'Ja'));
  await m.check(choice('Agentische AI', 'Nee'));
  await m.check(choice('Status', 'In ontwikkeling'));
  await m.fill(page.getByLabel(/^Doel en impact/), req.purpose);
  await m.check(choice('Interactie', 'Alleen intern (medewerkers)'));
  await m.check(choice('Publiceren in het Algoritmeregister', 'Nee'));
  const matrix = ['Toegestaan', 'Onder voorwaarden', 'Verboden', 'Verboden', 'Verboden', 'Verboden', 'Verboden', 'Verboden'];
  const kinds = ['Openbare informatie', 'Interne informatie', 'Vertrouwelijke informatie', 'Persoonsgegevens', 'Bijzondere persoonsgegevens', 'Beveiligingsinformatie', 'Klantgegevens', 'Financiële gegevens en creditcardgegevens'];
  for (const [i, kind] of kinds.entries()) await m.check(page.getByLabel(`${kind}: ${matrix[i]}`, { exact: true }));
  await m.check(choice('Persoonsgegevens', 'Nee'));
  await m.check(choice('Locatie van de gegevens', 'Binnen de EU/EER'));
  await m.fill(page.locator('#rasci_A').getByLabel('Medewerker'), 'Dirk de Directeur');
  await m.fill(page.getByLabel(/^Toelichting risicoanalyse/), 'Alleen interne informatie zonder persoonsgegevens: geen DPIA of IAMA nodig.');
  for (const legend of ['Afspraken over datagebruik', 'Afspraken over bewaren', 'Afspraken over training']) await m.check(choice(legend, 'Ja'));
  const checklist = page.getByRole('group', { name: /^Checklist verantwoorde inzet/ }).getByRole('checkbox');
  for (const box of await checklist.all()) await m.check(box);
  await m.press('Opslaan en indienen');
  return form;
}

test('before: the same tool through the full registration (the one-page form)', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    const req = notulenRequest();
    await h.visit(page, '/');
    const m = q.meter(page);
    const form = await oldRoute(m, req);
    assert.match(await h.flash(page), /is ingediend ter beoordeling/);
    assert.equal(await r.workflowStatus(page), 'Ingediend');
    console.log(m.line('old-form', `(submitted; the one-page form has ${form.total} fields, ${form.required} marked "nodig voor indienen")`));
    // The new route asks far less of the same employee.
    assert.ok(m.fields > 10, 'the full registration needs more than ten fields');
  } finally {
    await context.close();
  }
});
