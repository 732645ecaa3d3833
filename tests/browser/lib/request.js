'use strict';
// The short request ("Nieuwe AI-tool aanvragen", issue 18) as an employee makes it, and the instrument that
// measures what a journey costs the user: every click, tick, choice and typed field goes through one
// counting wrapper, so the figures come from what the test really did, not from a count by hand.

const assert = require('node:assert/strict');
const { clickButton, flash } = require('./harness');

/**
 * Counts what the user does on `page`:
 * - clicks: links and buttons clicked, boxes ticked, options chosen in a list (one click each; the keyboard
 *   is not used);
 * - fields: the distinct form fields the user filled in or changed, by their `name` attribute, so the boxes
 *   and radio buttons of one question count as one field (a checkbox group, a radio group);
 * - seconds: wall time since the meter was made (or since `restart()`).
 */
function meter(page) {
  const names = new Set();
  let clicks = 0;
  let started = Date.now();
  /** The field's name (its group for boxes and radio buttons), read from the element itself. */
  async function touched(locator) {
    const name = await locator.evaluate((el) => el.getAttribute('name') || el.id);
    assert.ok(name, 'a form field has a name');
    names.add(name);
  }
  /** Click and wait for the page it leads to. */
  async function navigate(locator) {
    clicks += 1;
    await Promise.all([page.waitForNavigation(), locator.click()]);
  }
  return {
    page,
    restart() {
      started = Date.now();
    },
    async click(locator) {
      clicks += 1;
      await locator.click();
    },
    navigate,
    /** Press the button with this exact name (within `scope`) and wait for the answer. */
    async press(name, scope = page) {
      await navigate(scope.getByRole('button', { name, exact: true }));
    },
    async check(locator) {
      clicks += 1;
      await locator.check();
      await touched(locator);
    },
    async select(locator, option) {
      clicks += 1;
      await locator.selectOption(option);
      await touched(locator);
    },
    async fill(locator, text) {
      await locator.fill(text);
      await touched(locator);
    },
    get fields() {
      return names.size;
    },
    get fieldNames() {
      return [...names];
    },
    get clicks() {
      return clicks;
    },
    get seconds() {
      return (Date.now() - started) / 1000;
    },
    /** The one line the journey prints: "MEASURE <what>: fields=… clicks=… seconds=…". */
    line(what, extra = '') {
      return `MEASURE ${what}: fields=${names.size} clicks=${clicks} seconds=${this.seconds.toFixed(1)}${extra ? ` ${extra}` : ''}`;
    },
  };
}

/** A radio button or checkbox in the fieldset whose legend starts with `legend`. */
function option(page, legend, label) {
  return page.getByRole('group', { name: new RegExp(`^${legend}`) }).getByLabel(label, { exact: true });
}

/** From the start page: "Nieuwe AI-tool aanvragen", then look the tool up by name. */
async function lookUp(m, name) {
  const page = m.page;
  await m.navigate(page.getByRole('main').getByRole('link', { name: 'Nieuwe AI-tool aanvragen' }));
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Nieuwe AI-tool aanvragen');
  await m.fill(page.getByLabel('Naam van de tool'), name);
  await m.press('Opzoeken');
  return page.locator('main [role="status"]');
}

/**
 * The request's questions answered as an employee would (`req`: tool, purpose, classes (labels), department,
 * users (label), usage (label), supplier (optional), citizens (label)). The tool's name comes from the look-up.
 */
async function answer(m, req) {
  const page = m.page;
  const name = page.getByLabel(/^1\. Welke tool/);
  assert.equal(await name.inputValue(), req.tool, 'the name from the look-up is filled in');
  await m.fill(page.getByLabel(/^2\. Waarvoor/), req.purpose);
  for (const c of req.classes) await m.check(option(page, '3\\. Welke soorten gegevens', c));
  await m.fill(page.getByLabel(/^4\. Voor welke afdeling/), req.department);
  await m.select(page.getByLabel(/^5\. Ongeveer hoeveel/), { label: req.users });
  await m.check(option(page, '6\\. Wordt de tool al gebruikt', req.usage));
  if (req.supplier) await m.fill(page.getByLabel(/^7\. Leverancier/), req.supplier);
  await m.check(option(page, '8\\. Komen inwoners', req.citizens));
}

/** Submit the request: the request's page with the confirmation. Returns the request's path. */
async function submit(m) {
  await m.press('Aanvraag indienen');
  assert.match(await flash(m.page), /Uw aanvraag is ingediend/);
  const path = new URL(m.page.url()).pathname;
  assert.match(path, /^\/aanvragen\/[0-9a-f-]{36}$/);
  return path;
}

/** The row of `tool` in a table of requests on the current page. */
function row(page, tool) {
  return page.locator('tbody tr', { has: page.getByRole('link', { name: tool, exact: true }) });
}

/** The request's state as its page shows it ("Stand: …"). */
async function state(page) {
  const text = await page.getByText(/^Stand: /).innerText();
  return text.replace(/^Stand:\s*/, '').trim();
}

/** A submitted request for `req` made by the logged-in user of `page` (no measuring). Returns its path. */
async function requestTool(page, req) {
  await page.goto('/');
  const m = meter(page);
  await lookUp(m, req.tool);
  await answer(m, req);
  return submit(m);
}

/** The CISO accepts the request on its page, typing the owner (a name or e-mail address). */
async function accept(page, path, owner) {
  await page.goto(path);
  const form = page.getByRole('region', { name: 'Accepteren' });
  await form.getByLabel('Eigenaar', { exact: true }).fill(owner);
  await Promise.all([page.waitForNavigation(), clickButton(form, 'Accepteren')]);
}

// --- page states for axe-core and html-validate (lib/pages.js) ----------------------------------------------

/** Press `button` (in `scope`) and give the HTTP status of the page it lands on. */
async function statusAfter(page, button, scope = page) {
  const [response] = await Promise.all([page.waitForNavigation(), clickButton(scope, button)]);
  return response.status();
}

/** The look-up of a tool not in the register, then "Aanvraag indienen" with nothing answered: 422. */
async function requestFormWithErrors({ page }) {
  await page.goto('/aanvragen/nieuw?naam=Vergaderplanner+Q');
  await page.getByLabel(/^1\. Welke tool/).fill('');
  assert.equal(await statusAfter(page, 'Aanvraag indienen'), 422);
  await page.locator('.app-error-summary').waitFor();
}

/** The path of a demo request (src/demo/requests.rs) from the user's list of requests. */
async function demoRequest(page, tool) {
  await page.goto('/aanvragen');
  const href = await row(page, tool).first().getByRole('link').getAttribute('href');
  assert.match(href, /^\/aanvragen\/[0-9a-f-]{36}$/);
  return href;
}

/** The CISO rejects a demo request without a reason: the triage forms come back with the message (422). */
async function triageWithErrors({ page }) {
  await page.goto(await demoRequest(page, 'Otter.ai'));
  assert.equal(await statusAfter(page, 'Afwijzen', page.getByRole('region', { name: 'Afwijzen' })), 422);
  await page.locator('.app-error-summary').waitFor();
}

module.exports = {
  meter,
  option,
  lookUp,
  answer,
  submit,
  row,
  state,
  requestTool,
  accept,
  requestFormWithErrors,
  demoRequest,
  triageWithErrors,
};
