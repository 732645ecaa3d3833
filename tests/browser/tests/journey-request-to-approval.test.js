'use strict';
// The whole road of a request (issue 18), each person in a browser context of their own: the employee asks for
// a tool that processes personal data; the CISO accepts the request with a project lead as owner; the employee
// sees the state and has a notification; the project lead completes the registration step by step (the "nog
// nodig" list per step, back and forth) and records a completed DPIA, which waits "ter bevestiging" and does
// not satisfy the risk-analysis gate until the FG confirms it (who and when is shown); the project lead submits;
// the FG advises and the directie consents (personal data makes the own risk level high); the CISO takes it up,
// ticks the CISO's checklist items and approves (not the submitter: four eyes); the employee finds the tool on
// the allowed-tools page. And the question path: the CISO asks, the employee answers in the request, the CISO
// reads the answer.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');
const q = require('../lib/request');

const browser = h.browserForFile();

/** Sessions for the roles, each its own context (cookies); closed together. */
async function sessions(roles) {
  const s = {};
  for (const role of roles) s[role] = (await h.newSession(browser, role)).page;
  return s;
}
async function closeAll(s) {
  for (const page of Object.values(s)) await page.context().close();
}

/**
 * The states this journey reaches that lib/pages.js cannot make cheaply (they need the journey's own
 * registration): axe-core finds no violation and the HTML as sent is valid.
 */
const checked = [];
async function checkPage(page, label) {
  await h.assertNoAxeViolations(page, label);
  await h.assertValidHtml(await h.documentSource(page), label);
  checked.push(label);
}

/** The step navigation of the registration form, and the current step's title. */
const stepsNav = (page) => page.getByRole('navigation', { name: 'Stappen van de registratie' });
async function currentStep(page) {
  return (await stepsNav(page).locator('[aria-current="step"]').innerText()).trim();
}
/** The "nog nodig in deze stap" list of the current step ('' when nothing is missing there). */
async function missingHere(page) {
  const box = page.locator('.app-missing');
  return (await box.count()) ? (await box.innerText()).replace(/\s+/g, ' ') : '';
}
/** The overview's list of what submission still needs. */
async function missingForSubmission(page, id) {
  await h.visit(page, `/register/${id}/bewerken/overzicht`);
  const region = page.getByRole('region', { name: 'Nog nodig voordat u kunt indienen' });
  return (await region.count()) ? (await region.innerText()).replace(/\s+/g, ' ') : '';
}

/** A task link on the start page ("Mijn taken") under the group `kind`, for `title`. */
async function openTask(page, kind, title) {
  await h.visit(page, '/');
  const tasks = page.getByRole('region', { name: 'Mijn taken' });
  assert.match(await tasks.innerText(), new RegExp(`${r.escapeRe(kind)} \\(\\d+\\)`), `"${kind}" in Mijn taken`);
  const link = tasks.getByRole('link', { name: title, exact: true });
  assert.ok((await link.count()) >= 1, `a task for ${title} under ${kind}:\n${await tasks.innerText()}`);
  await Promise.all([page.waitForNavigation(), link.first().click()]);
}

/** The owner goes through the steps from "Algemeen" to the overview, with one step back on the way. */
async function completeSteps(page, id) {
  await h.visit(page, `/register/${id}/bewerken/algemeen`);
  assert.equal(await currentStep(page), 'Algemeen');
  // What the request answered is already there.
  assert.match(await page.getByLabel(/^Korte omschrijving/).inputValue(), /dossiers/);
  assert.match(await stepsNav(page).innerText(), /\(nog \d+ nodig\)/, 'the steps show what each still needs');
  assert.match(await missingHere(page), /Gebruikscategorie/);
  await checkPage(page, 'step Algemeen of a draft made from a request (owner)');
  await r.choice(page, 'Gebruikscategorie', 'Interne productiviteit').check();
  await page.getByLabel(/^Manier van inzet/).selectOption({ label: 'Cloud (eigen omgeving)' });
  await r.choice(page, 'Licentie', 'Organisatielicentie met contractuele afspraken').check();
  await r.choice(page, 'Generatieve AI', 'Ja').check();
  await r.choice(page, 'Agentische AI', 'Nee').check();
  await r.next(page, 'Gebruik en doel');
  // Back: what was saved in the first step is kept; then forward again.
  await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Vorige')]);
  assert.equal(await currentStep(page), 'Algemeen');
  assert.ok(await r.choice(page, 'Licentie', 'Organisatielicentie met contractuele afspraken').isChecked(), 'the step kept its answers');
  assert.equal(await missingHere(page), '', 'nothing missing in the first step any more');
  await r.next(page, 'Gebruik en doel');
  assert.match(await page.getByLabel(/^Doel en impact/).inputValue(), /dossiers/, 'the purpose became the goal');
  await r.choice(page, 'Publiceren in het Algoritmeregister', 'Nee').check();
  await r.next(page, 'Gegevens');
  assert.ok(await page.getByLabel('Persoonsgegevens: Onder voorwaarden', { exact: true }).isChecked(), 'the data classes of the request');
  // Personal data raises one more question in this step.
  assert.match(await missingHere(page), /Bijzondere persoonsgegevens/);
  await r.choice(page, 'Bijzondere persoonsgegevens', 'Nee').check();
  await r.choice(page, 'Locatie van de gegevens', 'Binnen de EU/EER').check();
  await r.next(page, 'Verantwoordelijken');
  await page.locator('#rasci_A').getByLabel('Medewerker').fill('directie@demo.example');
  await r.next(page, 'Verantwoord gebruik');
  for (const legend of ['Afspraken over datagebruik', 'Afspraken over bewaren', 'Afspraken over training']) {
    await r.choice(page, legend, 'Ja').check();
  }
  for (const box of await page.getByRole('group', { name: /^Checklist verantwoorde inzet/ }).getByRole('checkbox').all()) await box.check();
  await r.next(page, 'Overzicht en indienen');
}

/** The owner records the DPIA as completed on the assessments tab. */
async function recordDpia(page, id) {
  await h.visit(page, `/register/${id}/assessments/nieuw`);
  await page.getByLabel('Soort assessment').selectOption('dpia');
  await r.choice(page, 'Status', 'Afgerond').check();
  await page.getByLabel('Afgerond op').fill('2026-11-20');
  await page.getByLabel('Uitgevoerd door').fill('Privacyteam Personeelszaken');
  await page.getByLabel('Uitkomst').fill('Risico’s beperkt: alleen personeelsnummers, geen BSN; bewaartermijn 30 dagen.');
  await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Opslaan')]);
  assert.match(new URL(page.url()).pathname, new RegExp(`/register/${id}/assessments$`));
}

/** The row of the DPIA on the assessments tab. */
function dpiaRow(page) {
  return page.locator('tbody tr', { hasText: 'DPIA' }).first();
}

test('request → triage → owner completes → FG confirms DPIA → CISO approves → allowed tools', async () => {
  const s = await sessions(['medewerker', 'ciso', 'projectleider', 'fg', 'directie']);
  try {
    const req = {
      tool: r.uniqueName('Dossierhulp'),
      purpose: 'Samenvattingen maken van personeelsdossiers voor het overleg met de leidinggevende.',
      classes: ['Interne informatie', 'Persoonsgegevens'],
      department: 'Personeelszaken',
      users: '2 tot 10 mensen',
      usage: 'Ik wil de tool gaan gebruiken',
      supplier: 'Dossierhulp BV',
      citizens: 'Nee',
    };
    // 1. The employee asks.
    const path = await q.requestTool(s.medewerker, req);

    // 2. The CISO finds it in the queue of requests and accepts it with the project lead as owner.
    const ciso = s.ciso;
    await r.navigate(ciso, 'Aanvragen');
    const row = q.row(ciso, req.tool);
    assert.match(await row.innerText(), /Mila de Medewerker/);
    await Promise.all([ciso.waitForNavigation(), row.getByRole('link').click()]);
    assert.equal(new URL(ciso.url()).pathname, path);
    await q.accept(ciso, path, 'Pim Projectleider');
    assert.match(await q.state(ciso), /^Geaccepteerd/);
    await checkPage(ciso, 'accepted request (CISO)');
    const toRegistration = ciso.getByRole('link', { name: `Naar de registratie ${req.tool}` });
    const id = h.applicationIdFrom(await toRegistration.getAttribute('href'));

    // 3. The employee sees the state and has a notification.
    const mw = s.medewerker;
    await h.visit(mw, path);
    assert.match(await q.state(mw), /^Geaccepteerd/);
    assert.match(await mw.locator('main').innerText(), /Pim Projectleider vult de registratie aan/);
    await checkPage(mw, 'accepted request (requester)');
    await r.navigate(mw, 'Meldingen');
    const note = mw.locator('.app-notifications li', { hasText: req.tool });
    assert.ok((await note.count()) >= 1, `a notification about ${req.tool}:\n${await mw.locator('main').innerText()}`);
    assert.match(await note.first().innerText(), /geaccepteerd/i);
    await checkPage(mw, 'meldingen with the request accepted (requester)');

    // 4. The project lead finds the registration under "Mijn taken" and completes it step by step.
    const pl = s.projectleider;
    await openTask(pl, 'Registraties aanvullen', req.tool);
    assert.equal(h.applicationIdFrom(pl.url()), id);
    await completeSteps(pl, id);
    // Personal data and a high own risk level: a DPIA is required.
    assert.match(await missingForSubmission(pl, id), /een afgeronde DPIA \(verplicht omdat er persoonsgegevens worden verwerkt en het eigen risiconiveau hoog is\)/);
    assert.equal(await pl.getByRole('button', { name: 'Indienen' }).count(), 0);

    // 5. A DPIA recorded by the project lead waits for the FG and does not satisfy the gate.
    await recordDpia(pl, id);
    assert.match(await dpiaRow(pl).innerText(), /Ter bevestiging/);
    assert.match(await dpiaRow(pl).innerText(), /Pim Projectleider/, 'who recorded it');
    await checkPage(pl, 'assessments with a DPIA ter bevestiging (owner)');
    assert.match(await missingForSubmission(pl, id), /de DPIA is afgerond maar nog niet bevestigd door de FG/);
    assert.equal(await pl.getByRole('button', { name: 'Indienen' }).count(), 0, 'no submitting on a self-declared DPIA');
    await checkPage(pl, 'overview waiting for the DPIA’s confirmation (owner)');

    // 6. The FG confirms it from "Mijn taken"; who and when are shown.
    const fg = s.fg;
    await openTask(fg, 'Assessments bevestigen', req.tool);
    await Promise.all([fg.waitForNavigation(), h.clickButton(fg.getByRole('region', { name: /^DPIA .*bevestigen$/ }), 'Bevestigen')]);
    const confirmed = await dpiaRow(fg).innerText();
    assert.match(confirmed, /Bevestigd/);
    assert.match(confirmed, /Fenna Gerritsen/);
    assert.match(confirmed, /\d{1,2} [a-z]+ \d{4}|\d{2}-\d{2}-\d{4}/, `the date of the confirmation: ${confirmed}`);
    await checkPage(fg, 'assessments with the DPIA confirmed (FG)');

    // 7. The project lead submits.
    assert.match(await missingForSubmission(pl, id), /Niets meer: de registratie is compleet\./);
    await r.save(pl, 'Indienen');
    assert.match(await h.flash(pl), new RegExp(`${r.escapeRe(req.tool)} is ingediend ter beoordeling`));
    assert.equal(await r.workflowStatus(pl), 'Ingediend');

    // 8. FG advice and directie consent, as the gates ask for personal data and a high own risk level.
    await openTask(fg, 'Advies geven', req.tool);
    const advice = fg.getByRole('region', { name: 'Advies van de FG' });
    await advice.getByLabel('Positief', { exact: true }).check();
    await advice.getByLabel('Toelichting').fill('De DPIA is in orde; verwerkersovereenkomst afsluiten voor gebruik.');
    await Promise.all([fg.waitForNavigation(), h.clickButton(advice, 'Advies vastleggen')]);
    const dir = s.directie;
    await openTask(dir, 'Toestemming geven', req.tool);
    const consent = dir.getByRole('region', { name: 'Toestemming van de directie' });
    await consent.getByLabel('Ja, toestemming', { exact: true }).check();
    await Promise.all([dir.waitForNavigation(), h.clickButton(consent, 'Besluit directie vastleggen')]);

    // 9. The submitter cannot decide; the CISO takes it up, ticks the CISO's items and approves.
    await h.visit(pl, `/register/${id}/beoordeling`);
    assert.equal(await pl.getByRole('region', { name: 'Besluit van de CISO' }).count(), 0, 'four eyes: no decision form for the submitter');
    await h.visit(ciso, `/register/${id}/beoordeling`);
    const checklist = ciso.getByRole('region', { name: 'Checklist verantwoorde inzet' });
    const boxes = checklist.getByRole('group', { name: 'Punten van de CISO' }).getByRole('checkbox');
    assert.equal(await boxes.count(), 4);
    for (const box of await boxes.all()) await box.check();
    await Promise.all([ciso.waitForNavigation(), h.clickButton(checklist, 'Checklist opslaan')]);
    assert.match(await ciso.getByRole('region', { name: 'Voorwaarden voor goedkeuring' }).innerText(), /Aan alle voorwaarden is voldaan/);
    await Promise.all([ciso.waitForNavigation(), h.clickButton(ciso, 'In behandeling nemen')]);
    const form = ciso.getByRole('region', { name: 'Besluit van de CISO' });
    await form.getByLabel('Goedkeuren', { exact: true }).check();
    await Promise.all([ciso.waitForNavigation(), h.clickButton(form, 'Besluit vastleggen')]);
    assert.equal(await r.workflowStatus(ciso), 'Goedgekeurd');
    await checkPage(ciso, 'review page after approval (CISO)');

    // 10. The employee finds it among the allowed tools.
    await r.navigate(mw, 'Toegestane AI-tools');
    assert.ok((await mw.locator('main').innerText()).includes(req.tool), 'the tool is on the allowed-tools page');
    console.log(`page states checked by axe and html-validate in this journey: ${checked.length}`);
  } finally {
    await closeAll(s);
  }
});

test('the question path: the CISO asks, the employee answers in the request, the CISO reads the answer', async () => {
  const s = await sessions(['medewerker', 'ciso']);
  try {
    const req = {
      tool: r.uniqueName('Vertaalhulp Y'),
      purpose: 'Brieven aan inwoners vertalen naar het Engels en het Arabisch.',
      classes: ['Klantgegevens'],
      department: 'Burgerzaken',
      users: '11 tot 50 mensen',
      usage: 'De tool wordt al gebruikt',
      citizens: 'Ja',
    };
    const path = await q.requestTool(s.medewerker, req);
    const question = 'Staan er namen en adressen van inwoners in de brieven?';
    const answer = 'Ja, de brieven bevatten naam en adres; die halen we eruit voordat we vertalen.';

    await h.visit(s.ciso, path);
    const ask = s.ciso.getByRole('region', { name: 'Vraag stellen' });
    await ask.getByLabel('Uw vraag aan de aanvrager').fill(question);
    await Promise.all([s.ciso.waitForNavigation(), h.clickButton(ask, 'Vraag stellen')]);
    assert.match(await q.state(s.ciso), /vraag/i);
    await checkPage(s.ciso, 'request with a question asked (CISO)');

    // The employee sees the question (a task on the start page) and answers it in the request.
    await openTask(s.medewerker, 'Vragen over uw aanvragen beantwoorden', req.tool);
    const mw = s.medewerker;
    assert.ok((await mw.locator('main').innerText()).includes(question), 'the question is shown');
    await mw.getByLabel('Uw antwoord').fill(answer);
    await Promise.all([mw.waitForNavigation(), h.clickButton(mw, 'Antwoord versturen')]);
    assert.match(await q.state(mw), /^Ingediend/);

    // Back in the CISO's queue, with the answer in the thread.
    await r.navigate(s.ciso, 'Aanvragen');
    assert.equal(await q.row(s.ciso, req.tool).count(), 1, 'back in the queue');
    await h.visit(s.ciso, path);
    const thread = await s.ciso.getByRole('region', { name: 'Vragen en antwoorden' }).innerText();
    assert.ok(thread.includes(`Vraag van Cas Visser (CISO)`), thread);
    assert.ok(thread.includes(question) && thread.includes(answer), thread);
    assert.match(thread, /Antwoord van Mila de Medewerker/);
    await checkPage(s.ciso, 'request answered, back in triage (CISO)');
  } finally {
    await closeAll(s);
  }
});
