'use strict';
// Every page type that axe-core checks (tests/axe.test.js), one line each:
//
//   page(name, role, target[, options])
//
// - role: a demo role ('medewerker', 'projectleider', 'ciso', 'fg', 'directie', 'beheerder') or ANONYMOUS.
// - target: a path ('/register'), or app('Demo name', '/tab') for a page of a demo registration, or an
//   async function ({ page, id }) that brings `page` into the state to check (fill a form, press a button)
//   and asserts it got there; `id(name)` gives a demo registration's id. It may return another page
//   (e.g. a second window) to check instead.
// - options.status: the expected HTTP status of a path (default 200).
// - options.has: text the page must show (so a changed page does not silently pass, e.g. a form that is
//   no longer offered to this role).
// - options.reflow: also check this page at 320 CSS px wide (tests/reflow.test.js).
//
// Demo registrations used here (src/demo/mod.rs): "Microsoft 365 Copilot" and "Chatbot Gemeentelijke
// Dienstverlening" are in review (personal data, so FG advice; the chatbot's own risk level is high, so
// directie consent too), "Bing chat (gratis)" has the demo incident, "Waarderen WOZ-objecten" and
// "GitHub Copilot" are published, "Notion AI" and "AI-agent voor routinetaken" are drafts.

const assert = require('node:assert/strict');
const { PASSWORD, applicationId, clickButton, newSession, totp, visit } = require('./harness');
const { approvedToolUnderChange } = require('./change');
const rq = require('./request');
const sso = require('./sso');

const ANONYMOUS = null;

function page(name, role, target, options = {}) {
  return { name, role, target, status: options.status ?? 200, has: options.has, reflow: options.reflow ?? false };
}

/** The path of a demo registration's page: app('GitHub Copilot', '/publicatie'). */
function app(name, suffix = '') {
  return async ({ id }) => `/register/${await id(name)}${suffix}`;
}

/** Submit the form of `button` and return the HTTP status of the page it lands on. */
async function submitAndStatus(page, button) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    typeof button === 'string' ? clickButton(page, button) : button.click(),
  ]);
  return response.status();
}

// --- states reached by using the page -------------------------------------------------------------------

// An approved tool whose change is in review (lib/change.js), made once for the three states that show it.
let underChange;
function toolUnderChange(page) {
  underChange ??= (async () => {
    const browser = page.context().browser();
    const owner = await newSession(browser, 'projectleider');
    try {
      return await approvedToolUnderChange(browser, owner.page, 'Samenvatter axe');
    } finally {
      await owner.context.close();
    }
  })();
  return underChange;
}

async function supplierPage({ page }) {
  await visit(page, '/leveranciers');
  await page.getByRole('link', { name: 'Microsoft', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Microsoft' }).waitFor();
}

async function supplierFormWithErrors({ page }) {
  await visit(page, '/leveranciers/nieuw');
  await page.getByLabel('KvK- of btw-nummer').fill('123');
  assert.equal(await submitAndStatus(page, 'Opslaan'), 422);
  await page.locator('.app-error-summary').waitFor();
}

async function mailTestWithErrors({ page }) {
  await page.goto('/beheer/e-mail');
  await page.locator('#aan').fill('geen adres');
  assert.equal(await submitAndStatus(page, 'Testbericht sturen'), 422);
  await page.locator('.app-error-summary').waitFor();
}

async function mailPreferencesWithErrors({ page }) {
  await page.goto('/account/e-mail');
  await page.locator('#uur').selectOption('');
  assert.equal(await submitAndStatus(page, 'Opslaan'), 422);
  await page.locator('.app-error-summary').waitFor();
}

async function loginWithError({ page }) {
  await page.goto('/inloggen');
  await page.getByLabel('E-mailadres').fill('niemand@demo.example');
  await page.getByLabel('Wachtwoord').fill('dit-is-niet-het-wachtwoord');
  await submitAndStatus(page, 'Inloggen');
  await page.locator('.utrecht-alert--error').waitFor();
}

async function registrationFormWithErrors({ page }) {
  await page.goto('/register/nieuw?naam=Toegankelijkheidstest');
  await page.locator('#name').fill('');
  await page.locator('#begin_date').fill('maart 2024');
  assert.equal(await submitAndStatus(page, 'Opslaan en verder'), 422);
  await page.locator('.app-error-summary').waitFor();
}

/** A step of a draft saved with a badly formatted month: the rest is saved, the month named and kept. */
async function registrationStepWithErrors({ page, id }) {
  await page.goto(`/register/${await id('Notion AI')}/bewerken/algemeen`);
  await page.locator('#begin_date').fill('maart 2025');
  assert.equal(await submitAndStatus(page, 'Opslaan'), 422);
  await page.locator('.app-not-saved').waitFor();
}

/** The whole form on one page, still offered from the steps. */
async function registrationOnePage({ page, id }) {
  await page.goto(`/register/${await id('Notion AI')}/bewerken/alles`);
  await page.locator('#sectie-publicatie').waitFor();
}

/** The decision aid of a draft, (re)started: its first question. */
async function startDecisionAid(page, id, name) {
  await page.goto(`/register/${await id(name)}/ai-verordening`);
  const start = page.getByRole('button', { name: /^(Beslishulp starten|Beslishulp opnieuw doorlopen|Opnieuw beginnen)/ });
  await Promise.all([page.waitForNavigation(), start.first().click()]);
  await page.locator('#kop-vraag').waitFor();
}

async function aiActQuestion({ page, id }) {
  await startDecisionAid(page, id, 'Notion AI');
}

async function aiActResult({ page, id }) {
  await startDecisionAid(page, id, 'AI-agent voor routinetaken');
  // Question 1.1 "Bevat de (beoogde) toepassing een algoritme?" – "Nee" leads straight to conclusion 11.0.
  await page.getByLabel('Nee', { exact: true }).check();
  await submitAndStatus(page, 'Volgende');
  await page.locator('#kop-uitkomst').waitFor();
}

async function questionnaire({ page, id }) {
  await page.goto(`/register/${await id('Notion AI')}/assessments`);
  await submitAndStatus(page, 'Pre-scan DPIA invullen');
  assert.match(new URL(page.url()).pathname, /\/vragenlijst\//);
}

async function questionnairePrint({ page, id }) {
  await questionnaire({ page, id });
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Afdrukken of als PDF bewaren' }).click()]);
}

/**
 * Two windows on the same question of the decision aid: the first answers, the second (still showing the
 * old question) answers too and gets the 409 page, which links back. Repeatable: the aid is restarted.
 */
async function conflict409({ page, id }) {
  await startDecisionAid(page, id, 'Notion AI');
  const second = await page.context().newPage();
  await second.goto(page.url());
  for (const p of [page, second]) await p.getByLabel('Ja', { exact: true }).check();
  await submitAndStatus(page, 'Volgende');
  assert.equal(await submitAndStatus(second, 'Volgende'), 409, 'the stale window gets 409');
  await second.getByRole('link', { name: 'Terug naar de pagina' }).waitFor();
  return second;
}

/** Two windows on the edit form: the second save gets the form back with "intussen gewijzigd". */
async function editConflict({ page, id }) {
  const path = `/register/${await id('Notion AI')}/bewerken/algemeen`;
  await page.goto(path);
  const second = await page.context().newPage();
  await second.goto(path);
  await page.locator('#provider').fill(`Notion Labs ${Date.now()}`);
  await submitAndStatus(page, 'Opslaan');
  await second.locator('#provider').fill('Notion Labs, ander venster');
  await submitAndStatus(second, 'Opslaan');
  await second.getByRole('heading', { name: /intussen gewijzigd/ }).waitFor();
  return second;
}

async function userEditPage({ page }) {
  await page.goto('/beheer/gebruikers');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Mila de Medewerker' }).click()]);
}

/** A page with one of the main navigation's menus opened by a click on its label (the grouped navigation). */
function navMenuOpen(path, label) {
  return async ({ page }) => {
    await visit(page, path);
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    // On a phone the list is folded behind "Menu" (static/nav.js): open that first.
    const fold = nav.getByRole('button', { name: /^Menu/ });
    if (await fold.isVisible()) await fold.click();
    // Opening the folded list opens the menu holding the page already: a click then would close it.
    const menu = nav.locator('details', { has: page.locator('summary', { hasText: label }) });
    if (!(await menu.evaluate((d) => d.open))) await nav.locator('summary', { hasText: label }).click();
    await page.locator('details[open] > .app-nav__submenu').waitFor();
  };
}

async function organisationEditPage({ page }) {
  await page.goto('/beheer/organisaties');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Gemeente Demodam' }).first().click()]);
}

async function brandingPage({ page }) {
  await organisationEditPage({ page });
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Thema en logo kiezen' }).click()]);
}

/** A logo that is refused (a script in the SVG): the form comes back with the message at the field. */
async function brandingWithErrors({ page }) {
  await brandingPage({ page });
  const bad = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script>alert(1)</script></svg>';
  await page.getByLabel('Logo', { exact: true }).setInputFiles({ name: 'kwaad.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(bad) });
  assert.equal(await submitAndStatus(page, 'Logo opslaan'), 422);
}

async function publicDetail({ page }) {
  await page.goto('/openbaar/gm9999');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Waarderen WOZ-objecten' }).click()]);
}

// A training's own page, as its title on "AI-geletterdheid beheren" opens it.
async function literacyTraining({ page }) {
  await page.goto('/ai-geletterdheid/beheer');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Copilot veilig gebruiken', exact: true }).click()]);
}

// "Eis verwijderen" opens a page that asks first (nothing is removed here).
async function literacyRemoveQuestion({ page }) {
  await literacyTraining({ page });
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Eis verwijderen\b/ }).first().click()]);
}

// "Training wijzigen" sent with the title emptied: the form comes back with the error (nothing is saved).
async function literacyTrainingEditWithErrors({ page }) {
  await literacyTraining({ page });
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Training wijzigen', exact: true }).click()]);
  await page.getByLabel('Titel').fill('');
  assert.equal(await submitAndStatus(page, 'Wijzigingen opslaan'), 422);
  await page.locator('.app-error-summary').waitFor();
}

// "Training verwijderen" opens a page that asks first, or says why the training stays.
async function literacyTrainingRemoveQuestion({ page }) {
  await literacyTraining({ page });
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Training verwijderen', exact: true }).click()]);
}

// Everyone who must follow a training, one row per person (the list behind "Vereist voor … medewerkers").
async function literacyTrainingPeople({ page }) {
  await literacyTraining({ page });
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^\d+ medewerkers?$/ }).first().click()]);
}

async function accountWithErrors({ page }) {
  await page.goto('/account');
  await submitAndStatus(page, 'Wachtwoord wijzigen');
  await page.locator('.app-error-summary').waitFor();
}

async function userFormWithErrors({ page }) {
  await page.goto('/beheer/gebruikers/nieuw');
  await page.getByLabel('E-mailadres').fill('geen-adres');
  await submitAndStatus(page, 'Toevoegen');
  await page.locator('.app-error-summary').waitFor();
}

/** As administrator: add a user; the page then shows the one-time activation link. */
async function createUser(page) {
  await page.goto('/beheer/gebruikers/nieuw');
  const unique = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const email = `collega-${unique}@demo.example`;
  await page.getByLabel('Naam', { exact: true }).fill(`Nieuwe Collega ${unique}`);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Medewerker', { exact: true }).check();
  await submitAndStatus(page, 'Toevoegen');
  const link = (await page.locator('#activeringslink').textContent()).trim();
  assert.match(link, /\/activeren\//);
  return { link, email };
}

/** The activation page a new user opens (anonymous, in a browser context of its own). */
async function activationPage({ page }) {
  const { link } = await createUser(page);
  const { page: other } = await newSession(page.context().browser(), ANONYMOUS);
  await other.goto(new URL(link).pathname);
  await other.getByRole('heading', { name: 'Account activeren' }).waitFor();
  return other;
}

async function activationWithErrors(args) {
  const other = await activationPage(args);
  await other.getByLabel('Wachtwoord', { exact: true }).fill('kort');
  await submitAndStatus(other, 'Wachtwoord instellen');
  await other.locator('.app-error-summary').waitFor();
  return other;
}

/**
 * A new user (made by the administrator of `page`) who activated the account and logged in, in a browser
 * context of its own; with `twoFactor`, two-factor login switched on (the recovery codes page is shown).
 * Demo users are left alone: their logins must keep working without a code.
 */
async function newUserLoggedIn(page, { twoFactor = false } = {}) {
  const { link, email } = await createUser(page);
  const { page: other } = await newSession(page.context().browser(), ANONYMOUS);
  const password = 'een lange zin als wachtwoord voor de browsertest';
  await other.goto(new URL(link).pathname);
  await other.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await other.getByLabel('Herhaal het wachtwoord').fill(password);
  // Activation signs the new user in at once.
  await submitAndStatus(other, 'Wachtwoord instellen');
  assert.doesNotMatch(new URL(other.url()).pathname, /^\/inloggen/, 'the new user is logged in');
  if (twoFactor) {
    await other.goto('/account/tweestapsverificatie');
    const secret = await other.locator('.app-secret').innerText();
    await other.getByLabel('Code uit uw authenticator-app').fill(totp(secret));
    await other.getByLabel('Uw wachtwoord').fill(password);
    await submitAndStatus(other, 'Tweestapsverificatie inschakelen');
    await other.getByRole('heading', { name: 'Uw herstelcodes' }).waitFor();
  }
  return { other, email, password };
}

async function twoFactorSetup({ page }) {
  const { other } = await newUserLoggedIn(page);
  await other.goto('/account/tweestapsverificatie');
  await other.getByRole('button', { name: 'Tweestapsverificatie inschakelen' }).waitFor();
  return other;
}

async function twoFactorRecoveryCodes({ page }) {
  return (await newUserLoggedIn(page, { twoFactor: true })).other;
}

/** Log out and in again with the password: the second step asks for the code. */
async function twoFactorLoginCode({ page }) {
  const { other, email, password } = await newUserLoggedIn(page, { twoFactor: true });
  await submitAndStatus(other, 'Uitloggen');
  await other.goto('/inloggen');
  await other.getByLabel('E-mailadres').fill(email);
  await other.getByLabel('Wachtwoord').fill(password);
  await submitAndStatus(other, 'Inloggen');
  assert.match(new URL(other.url()).pathname, /^\/inloggen\/code/);
  await other.getByLabel('Code', { exact: true }).waitFor();
  return other;
}

async function apiTokenCreated({ page }) {
  await page.goto('/account/api-tokens');
  await page.getByLabel('Naam', { exact: true }).fill(`Koppeling zaaksysteem ${Date.now()}`);
  await page.getByRole('group', { name: 'Geldig' }).getByRole('radio').first().check();
  // A token outlives the session, so the password is asked again.
  await page.getByLabel('Uw wachtwoord', { exact: true }).fill(PASSWORD);
  await submitAndStatus(page, 'Token aanmaken');
  await page.locator('#nieuw-token').waitFor();
}

async function importReport({ page }) {
  await page.goto('/publicatie');
  await page.getByLabel(/^Bestand/).setInputFiles({
    name: 'beschrijving.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        name: 'Parkeerscan',
        description_short: 'Scanauto die kentekens leest om parkeerrechten te controleren.',
        organization: 'Gemeente Demodam',
        status: 'In gebruik',
        contact_email: 'algoritmes@demodam.example',
        publication_category: 'Impactvolle algoritmes',
        lang: 'NLD',
        begin_date: '03-2021',
      }),
    ),
  });
  await submitAndStatus(page, 'Inlezen');
  await page.locator('#kop-rapport').waitFor();
}

async function incidentFormWithErrors({ page, id }) {
  await page.goto(`/register/${await id('Bing chat (gratis)')}/incidenten`);
  await submitAndStatus(page, 'Incident melden');
  await page.locator('.app-error-summary').waitFor();
}

async function cisoDecisionWithErrors({ page, id }) {
  await page.goto(`/register/${await id('Microsoft 365 Copilot')}/beoordeling`);
  await page.getByLabel('Goedkeuren onder voorwaarden', { exact: true }).check();
  await submitAndStatus(page, 'Besluit vastleggen');
  await page.locator('.app-error-summary').waitFor();
}

async function assessmentForm({ page, id }) {
  await page.goto(`/register/${await id('Notion AI')}/assessments/nieuw`);
}


// --- assessment confirmation and roles nobody holds (issue 18, items 4 and 6) ------------------------------

/** The FG sends the demo's waiting DPIA back without a reason: 422, the message on the reason field. */
async function confirmationReturnWithError({ page, id }) {
  await page.goto(`/register/${await id('Chatbot Gemeentelijke Dienstverlening')}/assessments`);
  assert.equal(await submitAndStatus(page, 'Terugsturen'), 422);
  await page.locator('.app-error-summary').waitFor();
}

/** As administrator: Dirk de Directeur's account is deactivated, so nobody holds the role directie. */
async function setDirectieActive(page, active) {
  await page.goto('/beheer/gebruikers');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Dirk de Directeur' }).click()]);
  const button = active ? 'Account weer activeren' : 'Account deactiveren';
  if (await page.getByRole('button', { name: button }).count()) await submitAndStatus(page, button);
}

async function usersWithMissingRole({ page }) {
  await setDirectieActive(page, false);
  await page.goto('/beheer/gebruikers');
  await page.locator('#ontbrekende-rollen').waitFor();
}

async function reviewWithMissingRole({ page, id }) {
  await page.goto(`/register/${await id('Chatbot Gemeentelijke Dienstverlening')}/beoordeling`);
  await page.locator('#ontbrekende-rollen').waitFor();
}

/** Puts the demo back: the directie account active again (its user page is the state checked). */
async function directieReactivated({ page }) {
  await setDirectieActive(page, true);
  await page.getByRole('button', { name: 'Account deactiveren' }).waitFor();
}

const PAGES = [
  // Anonymous
  page('login', ANONYMOUS, '/inloggen', { reflow: true, has: 'Openbaar algoritmeregister' }),
  page('login with an error', ANONYMOUS, loginWithError, { reflow: true }),
  page('public register', ANONYMOUS, '/openbaar/gm9999', { reflow: true }),
  page('public register, search', ANONYMOUS, '/openbaar/gm9999?q=woz&categorie=Impactvolle+algoritmes', { reflow: true }),
  page('public register detail', ANONYMOUS, publicDetail, { reflow: true }),
  page('404 (anonymous)', ANONYMOUS, '/bestaat-niet', { status: 404, reflow: true }),

  // Employee
  page('start page', 'medewerker', '/', { reflow: true, has: 'Mijn taken' }),
  page('register list', 'medewerker', '/register', { reflow: true }),
  page('register list, search and filter', 'medewerker', '/register?q=copilot&status=in_gebruik&sorteer=naam', { has: 'GitHub Copilot', reflow: true }),
  page('mijn toepassingen', 'medewerker', '/mijn-toepassingen', { reflow: true }),
  page('new registration: name first', 'medewerker', '/register/nieuw', { reflow: true }),
  page('registration form (empty)', 'medewerker', '/register/nieuw?naam=Toegankelijkheidstest', { reflow: true }),
  page('registration form with validation errors', 'medewerker', registrationFormWithErrors, { reflow: true }),
  page('application detail', 'medewerker', app('Microsoft 365 Copilot'), { reflow: true }),
  // A draft with most fields still empty: read as sections, the empty fields on one line per section.
  page('application detail (draft)', 'projectleider', app('Notion AI'), { has: 'Nog niet ingevuld:', reflow: true }),
  page('tab beoordeling (employee)', 'medewerker', app('Microsoft 365 Copilot', '/beoordeling'), { reflow: true }),
  page('tab AI-verordening (start)', 'medewerker', app('Microsoft 365 Copilot', '/ai-verordening'), { reflow: true }),
  page('tab assessments', 'medewerker', app('Microsoft 365 Copilot', '/assessments'), { reflow: true }),
  page('tab publicatie', 'medewerker', app('GitHub Copilot', '/publicatie'), { has: 'Klaar voor publicatie', reflow: true }),
  page('tab incidenten', 'medewerker', app('Bing chat (gratis)', '/incidenten'), { has: 'Incident melden', reflow: true }),
  page('tab vereisten (no AI Act outcome yet)', 'medewerker', app('Bing chat (gratis)', '/vereisten'), { has: 'Welke vereisten gelden' }),
  page('incident form with validation errors', 'medewerker', incidentFormWithErrors, { reflow: true }),
  page('tab geschiedenis', 'medewerker', app('Microsoft 365 Copilot', '/geschiedenis'), { reflow: true }),
  page('meldingen', 'medewerker', '/meldingen', { reflow: true }),
  page('toegestane tools', 'medewerker', '/toegestane-tools', { reflow: true }),
  page('toegestane tools, question answered', 'medewerker', async ({ id }) => `/toegestane-tools?tool=${await id('ChatGPT Team')}&gegevens=dc_intern`, { reflow: true }),
  page('toegestane tools, print view', 'medewerker', '/toegestane-tools/afdrukken'),
  page('AI-beleid', 'medewerker', '/beleid', { has: 'Versies', reflow: true }),
  page('AI-beleid: versies vergeleken', 'medewerker', '/beleid/vergelijken?van=1&naar=2', { has: 'Toegevoegd' }),
  page('AI-beleid: concept', 'beheerder', '/beleid/concept', { has: 'Concept opslaan' }),
  page('AI-geletterdheid: a training', 'beheerder', literacyTraining, { has: 'Vereist voor wie een tool gebruikt', reflow: true }),
  page('AI-geletterdheid: eis verwijderen?', 'beheerder', literacyRemoveQuestion, { has: 'Annuleren, de eis blijft', reflow: true }),
  page('AI-geletterdheid: training wijzigen, with errors', 'beheerder', literacyTrainingEditWithErrors, { has: 'Vul de titel in.', reflow: true }),
  page('AI-geletterdheid: training verwijderen?', 'beheerder', literacyTrainingRemoveQuestion, { has: 'Training verwijderen', reflow: true }),
  page('AI-geletterdheid: who must follow a training', 'beheerder', literacyTrainingPeople, { has: 'Terug naar „Copilot veilig gebruiken”', reflow: true }),
  page('AI-geletterdheid: dekking', 'ciso', '/ai-geletterdheid/dekking', { has: 'Per tool', reflow: true }),
  page('AI-beleid: wie heeft het gelezen', 'directie', '/beleid/versie/2/dekking', { has: 'Nog niet bevestigd' }),
  page('account', 'medewerker', '/account', { reflow: true }),
  page('account, password change with errors', 'medewerker', accountWithErrors, { reflow: true }),
  page('403 forbidden', 'medewerker', '/beheer/gebruikers', { status: 403, reflow: true }),
  page('404 not found', 'medewerker', '/register/00000000-0000-0000-0000-000000000000', { status: 404, reflow: true }),

  // Project lead: edit form, decision aid, questionnaires, assessments
  page('edit form', 'projectleider', app('Microsoft 365 Copilot', '/bewerken'), { reflow: true }),
  // The registration in steps: each step, a step with errors, the overview, the one-page form.
  page('registration step Algemeen', 'projectleider', app('Notion AI', '/bewerken/algemeen'), { has: 'Stap 1 van', reflow: true }),
  page('registration step Gebruik', 'projectleider', app('Notion AI', '/bewerken/gebruik'), { has: 'Publiceren in het Algoritmeregister', reflow: true }),
  page('registration step Gegevens', 'projectleider', app('Notion AI', '/bewerken/gegevens'), { has: 'Welke gegevens mogen in deze tool?', reflow: true }),
  page('registration step Verantwoordelijken', 'projectleider', app('Notion AI', '/bewerken/verantwoordelijken'), { has: 'Accountable', reflow: true }),
  page('registration step Verantwoord gebruik', 'projectleider', app('Notion AI', '/bewerken/verantwoord'), { has: 'Checklist: wat de CISO afvinkt', reflow: true }),
  page('registration step Werking', 'projectleider', app('GitHub Copilot', '/bewerken/werking'), { reflow: true }),
  page('registration step Publicatie', 'projectleider', app('GitHub Copilot', '/bewerken/publicatie'), { has: 'Publicatiecategorie', reflow: true }),
  page('registration overview', 'projectleider', app('Notion AI', '/bewerken/overzicht'), { has: 'Nog nodig voordat u kunt indienen', reflow: true }),
  page('registration step with a month not saved', 'projectleider', registrationStepWithErrors, { reflow: true }),
  page('registration on one page', 'projectleider', registrationOnePage, { reflow: true }),
  page('AI-verordening question page', 'projectleider', aiActQuestion, { reflow: true }),
  page('AI-verordening result', 'projectleider', aiActResult, { reflow: true }),
  page('questionnaire page (Pre-scan DPIA)', 'projectleider', questionnaire, { reflow: true }),
  page('questionnaire print view', 'projectleider', questionnairePrint),
  page('assessment form', 'projectleider', assessmentForm, { reflow: true }),
  page('409 conflict page (decision aid, two windows)', 'projectleider', conflict409),
  page('edit form, conflict (two windows)', 'projectleider', editConflict),

  // CISO
  page('te beoordelen', 'ciso', '/te-beoordelen', { has: 'Microsoft 365 Copilot', reflow: true }),
  page('hoofdmenu: menu Register open (CISO)', 'ciso', navMenuOpen('/te-beoordelen', 'Register'), { has: 'Evaluaties', reflow: true }),
  page('hoofdmenu: menu Beheer open (beheerder)', 'beheerder', navMenuOpen('/beheer/gebruikers', 'Beheer'), { has: 'Referentiegegevens', reflow: true }),
  page('start page with tasks (CISO)', 'ciso', '/', { has: 'Registraties beoordelen', reflow: true }),
  page('start page with tasks (FG)', 'fg', '/', { has: 'Mijn taken', reflow: true }),
  page('evaluaties', 'ciso', '/evaluaties', { has: 'verlopen', reflow: true }),
  page('review page with decision form (CISO)', 'ciso', app('Microsoft 365 Copilot', '/beoordeling'), { has: 'Besluit vastleggen', reflow: true }),
  page('CISO decision with validation errors', 'ciso', cisoDecisionWithErrors, { reflow: true }),
  page('incidents overview', 'ciso', '/incidenten', { reflow: true }),
  page('requirements overview (Algoritmekader)', 'ciso', '/vereisten'),
  page('tab incidenten (CISO: handle, suspend)', 'ciso', app('Bing chat (gratis)', '/incidenten'), { has: 'Tool tijdelijk stilzetten', reflow: true }),
  page('meldingen (CISO, unread)', 'ciso', '/meldingen', { has: 'Nieuw:' }),

  // FG and directie
  page('adviesaanvragen', 'fg', '/adviesaanvragen', { has: 'Microsoft 365 Copilot', reflow: true }),
  page('review page with the CISO checklist', 'ciso', app('Microsoft 365 Copilot', '/beoordeling'), { has: 'Punten van de CISO', reflow: true }),
  page('review page with FG advice form', 'fg', app('Microsoft 365 Copilot', '/beoordeling'), { has: 'Advies vastleggen', reflow: true }),
  page('toestemming', 'directie', '/toestemming', { has: 'Chatbot Gemeentelijke Dienstverlening', reflow: true }),
  page('review page with consent form (directie)', 'directie', app('Chatbot Gemeentelijke Dienstverlening', '/beoordeling'), { has: 'Besluit directie vastleggen', reflow: true }),

  // Administrator
  page('publicatie overview', 'beheerder', '/publicatie', { has: 'Exporteren voor het Algoritmeregister', reflow: true }),
  page('publicatie import report', 'beheerder', importReport),
  page('publicatie koppeling', 'beheerder', '/publicatie/koppeling', { reflow: true }),
  page('beheer gebruikers', 'beheerder', '/beheer/gebruikers', { reflow: true }),
  page('beheer gebruiker toevoegen', 'beheerder', '/beheer/gebruikers/nieuw', { reflow: true }),
  page('beheer gebruiker toevoegen with errors', 'beheerder', userFormWithErrors, { reflow: true }),
  page('beheer gebruiker aangemaakt (activation link)', 'beheerder', async ({ page }) => void (await createUser(page)), { has: 'Kopieer link' }),
  page('beheer e-mail (e-mail off)', 'beheerder', '/beheer/e-mail', { has: 'E-mail staat uit', reflow: true }),
  page('beheer e-mail, test message with errors', 'beheerder', mailTestWithErrors, { reflow: true }),
  page('account e-mail preferences', 'medewerker', '/account/e-mail', { has: 'dagelijkse overzicht', reflow: true }),
  page('account e-mail preferences with errors', 'medewerker', mailPreferencesWithErrors, { reflow: true }),
  page('account activeren (new user, anonymous)', 'beheerder', activationPage),
  page('account activeren with errors', 'beheerder', activationWithErrors),
  page('beheer gebruiker bewerken', 'beheerder', userEditPage, { reflow: true }),
  page('beheer organisaties', 'beheerder', '/beheer/organisaties', { reflow: true }),
  page('beheer organisatie bewerken', 'beheerder', organisationEditPage, { reflow: true }),
  page('beheer huisstijl en logo', 'beheerder', brandingPage, { has: 'Thema opslaan', reflow: true }),
  page('beheer huisstijl, logo geweigerd', 'beheerder', brandingWithErrors, { has: 'een script' }),

  // Supplier records and the EU database sheet (issue 23, items 4 and 5).
  page('leveranciers', 'ciso', '/leveranciers', { has: 'Verlopen of verloopt binnenkort', reflow: true }),
  page('leverancier', 'projectleider', supplierPage, { has: 'Registraties van deze leverancier', reflow: true }),
  page('leverancier toevoegen met fouten', 'ciso', supplierFormWithErrors, { has: 'KvK-nummer van 8 cijfers' }),
  page('koppeling van leveranciers', 'beheerder', '/leveranciers/koppeling', { has: 'Vrije tekst en de leverancier die het werd' }),
  page('EU-databank: voorbereidingsblad', 'projectleider', app('CV-screening sollicitaties', '/eu-databank'), { has: 'Ontbreekt nog', reflow: true }),

  // Dashboard, REST API, two-factor login
  page('overzicht (dashboard)', 'ciso', '/overzicht', { has: 'in cijfers', reflow: true }),
  page('overzicht (dashboard, directie)', 'directie', '/overzicht', { reflow: true }),
  page('API-tokens', 'medewerker', '/account/api-tokens', { reflow: true }),
  page('API-token created', 'medewerker', apiTokenCreated),
  page('REST API documentation', 'medewerker', '/api/v1/docs', { reflow: true }),
  page('tweestapsverificatie instellen (new user)', 'beheerder', twoFactorSetup),
  page('tweestapsverificatie herstelcodes (new user)', 'beheerder', twoFactorRecoveryCodes),
  page('inloggen: code (new user with two-factor login)', 'beheerder', twoFactorLoginCode),
  // An approved tool with a change in review (issue 18, item 5).
  page('registratie: goedgekeurd, wijziging in beoordeling (banner)', 'projectleider', async ({ page }) => `/register/${(await toolUnderChange(page)).id}`, { has: 'Goedgekeurd; wijziging in beoordeling.', reflow: true }),
  page('beoordeling: wijziging naast goedgekeurde versie (CISO)', 'ciso', async ({ page }) => `/register/${(await toolUnderChange(page)).id}/beoordeling`, { has: 'Gewijzigde velden', reflow: true }),
  page('toegestane tools: tool met wijziging in beoordeling', 'medewerker', async ({ page }) => `/toegestane-tools?tool=${(await toolUnderChange(page)).id}&gegevens=dc_intern`, { has: 'Goedgekeurd; wijziging in beoordeling', reflow: true }),
  page('assessments: ter bevestiging (FG)', 'fg', app('Chatbot Gemeentelijke Dienstverlening', '/assessments'), { has: 'Ter bevestiging', reflow: true }),
  page('assessments: terugsturen zonder reden', 'fg', confirmationReturnWithError, { has: 'Vul de reden in', reflow: true }),
  // These three in this order: the directie is deactivated, seen missing, and reactivated.
  page('beheer gebruikers: rol directie ontbreekt', 'beheerder', usersWithMissingRole, { has: 'Geen actieve gebruiker heeft de rol Directie' }),
  page('beoordeling: rol directie ontbreekt (CISO)', 'ciso', reviewWithMissingRole, { has: 'Deze registratie wacht op een rol die niemand heeft.' }),
  page('beheer gebruiker: directie weer actief', 'beheerder', directieReactivated),
  // The short request and its triage (issue 18, items 1, 2 and 7; lib/request.js).
  page('aanvraag: opzoeken (leeg)', 'medewerker', '/aanvragen/nieuw', { has: 'Staat de tool al in het register?', reflow: true }),
  page('aanvraag: formulier na opzoeken (onbekende tool)', 'medewerker', '/aanvragen/nieuw?naam=Vergaderplanner+Q', { has: 'staat nog niet in het register', reflow: true }),
  page('aanvraag: formulier met fouten', 'medewerker', rq.requestFormWithErrors, { reflow: true }),
  page('aanvraag: opzoeken, tool toegestaan', 'medewerker', '/aanvragen/nieuw?naam=ChatGPT+Team', { has: 'Deze tool is al toegestaan voor', reflow: true }),
  page('aanvraag: opzoeken, tool verboden', 'medewerker', '/aanvragen/nieuw?naam=DeepSeek', { has: 'Deze tool is niet toegestaan', reflow: true }),
  page('mijn aanvragen', 'medewerker', '/aanvragen', { has: 'Uw aanvragen', reflow: true }),
  page('aanvraag met vraag van de CISO (aanvrager)', 'medewerker', async ({ page }) => rq.demoRequest(page, 'DeepL Write'), { has: 'Antwoord versturen', reflow: true }),
  page('aanvragen: wachtrij (CISO)', 'ciso', '/aanvragen', { has: 'Otter.ai', reflow: true }),
  page('aanvraag met triage (CISO)', 'ciso', async ({ page }) => rq.demoRequest(page, 'Otter.ai'), { has: 'Valt onder bestaande registratie', reflow: true }),
  page('aanvraag: afwijzen zonder reden (CISO)', 'ciso', rq.triageWithErrors, { reflow: true }),
  page('start page with tasks (project lead)', 'projectleider', '/', { has: 'Mijn taken', reflow: true }),
  // Inloggen met organisatie-account (issue 19; the states with a provider are in journey-sso.test.js).
  page('SSO-instellingen', 'beheerder', sso.settingsPage, { has: 'Bij de inlogdienst registreren', reflow: true }),
  page('SSO-instellingen met fouten', 'beheerder', sso.settingsWithErrors, { has: 'Uitgever (issuer): Gebruik een https-adres', reflow: true }),
  page('SSO-instellingen, Testen mislukt', 'beheerder', sso.settingsTestFailed, { has: 'Test mislukt.', reflow: true }),
  page('SSO-weigering (terugkeer zonder aanmelding)', ANONYMOUS, '/inloggen/organisatie/terugkeer?code=x&state=y', { status: 400, has: 'niet in deze browser begonnen', reflow: true }),
];

/**
 * Open `entry` in a new page of `context` (at `viewport` when given): follow its target and check the HTTP
 * status of a path. Returns the page to check and a function that closes whatever was opened.
 */
async function open(entry, context, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  // A stylesheet that does not load would make every check on the page meaningless.
  const broken = [];
  const onResponse = (r) => {
    if (r.request().resourceType() === 'stylesheet' && r.status() >= 400) broken.push(`${r.status()} ${r.url()}`);
  };
  context.on('response', onResponse);
  const id = (name) => applicationId(page, name);
  let checked = page;
  const close = async () => {
    context.off('response', onResponse);
    if (checked !== page) {
      await checked.close();
      if (checked.context() !== context) await checked.context().close();
    }
    await page.close();
  };
  try {
    let target = entry.target;
    if (typeof target === 'function') {
      const result = await target({ page, id });
      if (typeof result === 'string') target = result;
      else if (result && typeof result.url === 'function') checked = result;
    }
    if (typeof target === 'string') await visit(page, target, entry.status);
    if (viewport && checked !== page) await checked.setViewportSize(viewport);
    if (broken.length) throw new Error(`${entry.name}: stylesheets did not load: ${broken.join(', ')}`);
    if (entry.has) {
      const shown = await checked.getByText(entry.has, { exact: false }).count();
      assert.ok(shown > 0, `${entry.name}: the page shows "${entry.has}" (${checked.url()})`);
    }
    return { page: checked, close };
  } catch (e) {
    await close();
    throw e;
  }
}

module.exports = { PAGES, ANONYMOUS, page, app, open, submitAndStatus };
