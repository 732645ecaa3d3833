'use strict';
// The registration form as a user fills it in: by the visible labels, step by step.

const assert = require('node:assert/strict');
const { clickButton, flash } = require('./harness');

/**
 * A name no other registration has, so runs against the same server do not collide. The suffix is letters
 * only: the register's search does not find hyphenated numbers such as "2024-11" (see README.md).
 */
function uniqueName(prefix) {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += letters[Math.floor(Math.random() * letters.length)];
  return `${prefix} ${suffix}`;
}

/**
 * Main navigation link by its label (counts like "Te beoordelen (2)" are allowed). A link in one of the
 * menus (Register, Mensen en beleid, Beheer) is reached as a user does: open the menu, then the link.
 */
async function navigate(page, label) {
  const link = page
    .getByRole('navigation', { name: 'Hoofdmenu' })
    .getByRole('link', { name: new RegExp(`^${label}( \\(\\d+\\))?$`), includeHidden: true });
  await openMenuOf(link);
  await Promise.all([page.waitForNavigation(), link.click()]);
}

/** Open the navigation menu (a closed <details>) that holds this link; nothing when it is in the bar. */
async function openMenuOf(link) {
  if (await link.isVisible()) return;
  await link.locator('xpath=ancestor::details[1]/summary').click();
}

/** Register → "Nieuwe AI-toepassing registreren" → the name → "Verder": the first step opens with the name filled in. */
async function startRegistration(page, name) {
  await navigate(page, 'Register');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Nieuwe AI-toepassing registreren' }).click()]);
  await page.getByLabel('Hoe heet de tool of toepassing?').fill(name);
  await Promise.all([page.waitForNavigation(), clickButton(page, 'Verder')]);
  assert.equal(await page.locator('#name').inputValue(), name, 'the form starts with the name');
}

/** A radio button or checkbox inside the fieldset whose legend starts with `legend`. */
function choice(page, legend, label) {
  return page.getByRole('group', { name: new RegExp(`^${legend}`) }).getByLabel(label, { exact: true });
}

/** What a draft needs (name, short description) and a few obvious facts. */
async function fillDraft(page, tool) {
  await page.getByLabel(/^Korte omschrijving/).fill(tool.description);
  await page.getByLabel(/^Leverancier/).fill(tool.provider);
  await page.getByLabel(/^Afdeling/).fill(tool.department);
}

/** "Opslaan en verder": save the step and wait for the next one (asserts its title). */
async function next(page, expectedStep) {
  await Promise.all([page.waitForNavigation(), clickButton(page, 'Opslaan en verder')]);
  if (expectedStep) {
    const current = page.getByRole('navigation', { name: 'Stappen van de registratie' }).locator('[aria-current="step"]');
    assert.equal((await current.innerText()).trim(), expectedStep);
  }
}

/**
 * Everything submission asks for, step by step from the first step ("Algemeen") to the overview, for an
 * internal tool without personal data under an organisation licence (own risk level "middel": no FG advice,
 * no management consent, no DPIA or IAMA needed; the risk analysis gate is met by a written reason). The
 * publication steps come only when the tool is to be published.
 */
async function fillForSubmission(page, tool) {
  await choice(page, 'Gebruikscategorie', 'Interne productiviteit').check();
  await page.getByLabel(/^Manier van inzet/).selectOption({ label: 'Cloud (eigen omgeving)' });
  await choice(page, 'Licentie', 'Organisatielicentie met contractuele afspraken').check();
  await choice(page, 'Generatieve AI', 'Ja').check();
  await choice(page, 'Agentische AI', 'Nee').check();
  await choice(page, 'Status', 'In ontwikkeling').check();
  await next(page, 'Gebruik en doel');
  await page.getByLabel(/^Doel en impact/).fill(tool.goal);
  await choice(page, 'Interactie', 'Alleen intern (medewerkers)').check();
  await choice(page, 'Publiceren in het Algoritmeregister', tool.publish ? 'Ja' : 'Nee').check();
  await next(page, 'Gegevens');
  const matrix = {
    'Openbare informatie': 'Toegestaan',
    'Interne informatie': 'Onder voorwaarden',
    'Vertrouwelijke informatie': 'Verboden',
    Persoonsgegevens: 'Verboden',
    'Bijzondere persoonsgegevens': 'Verboden',
    Beveiligingsinformatie: 'Verboden',
    Klantgegevens: 'Verboden',
    'Financiële gegevens en creditcardgegevens': 'Verboden',
  };
  for (const [kind, permission] of Object.entries(matrix)) {
    await page.getByLabel(`${kind}: ${permission}`, { exact: true }).check();
  }
  await choice(page, 'Persoonsgegevens', 'Nee').check();
  await choice(page, 'Locatie van de gegevens', 'Binnen de EU/EER').check();
  await next(page, 'Verantwoordelijken');
  await page.locator('#rasci_A').getByLabel('Medewerker').fill(tool.accountable);
  await next(page, 'Verantwoord gebruik');
  await page.getByLabel(/^Toelichting risicoanalyse/).fill(
    'Geen persoonsgegevens en alleen openbare en interne informatie: een DPIA of IAMA is niet nodig. Risico’s besproken met de CISO.',
  );
  for (const legend of ['Afspraken over datagebruik', 'Afspraken over bewaren', 'Afspraken over training']) {
    await choice(page, legend, 'Ja').check();
  }
  const checklist = page.getByRole('group', { name: /^Checklist verantwoorde inzet/ }).getByRole('checkbox');
  assert.equal(await checklist.count(), 6, 'the owner ticks six of the ten items of Bijlage 2; the CISO the other four');
  for (const box of await checklist.all()) await box.check();
  if (tool.publish) {
    await next(page, 'Werking');
    await next(page, 'Publicatie');
    await choice(page, 'Publicatiecategorie', 'Overige algoritmes (categorie C)').check();
    await page.getByLabel(/^Contactgegevens/).fill('algoritmes@demodam.example');
  }
  await next(page, 'Overzicht en indienen');
}

/** Press a submit button of the form and wait for the page that answers. */
async function save(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(), clickButton(page, button)]);
  return response;
}

/** The status badge on a registration's pages. */
async function workflowStatus(page) {
  return (await page.locator('.app-facts .app-badge').innerText()).trim();
}

/**
 * Create and submit a complete registration through the form (for journeys that need one in the CISO's
 * queue). Returns the detail page's URL.
 */
async function registerAndSubmit(page, tool) {
  await startRegistration(page, tool.name);
  await fillDraft(page, tool);
  await fillForSubmission(page, tool);
  await save(page, 'Indienen');
  assert.match(await flash(page), new RegExp(`${escapeRe(tool.name)} is ingediend ter beoordeling`));
  assert.equal(await workflowStatus(page), 'Ingediend');
  return page.url();
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = {
  openMenuOf,
  uniqueName,
  navigate,
  startRegistration,
  choice,
  fillDraft,
  fillForSubmission,
  next,
  save,
  workflowStatus,
  registerAndSubmit,
  escapeRe,
};
