'use strict';
// The Algoritmekader journey (issue 23): the beheerder switches the approval gate on for the demo organisation;
// a project lead registers a tool whose decision aid says "high-risk AI system, deployer", with a confirmed
// FRAIA (so every other gate of approval is met); the tab "Vereisten" takes its requirements over; the CISO's
// approval is refused naming the open requirements; the measures are completed (evidence uploaded for one,
// another not applicable with a reason); then the approval passes. The EU database sheet lists what is still
// missing. Every new page state is checked with axe-core and html-validate.
//
// A high-risk deployer gets 34 requirements with far more measures. Saving each through the tab would take
// minutes, so the measures of every requirement but one are completed through the REST API (PUT
// /applications/{id}/measures/{measure}, with a token the project lead makes under Mijn account); the measures
// of that one requirement (aia-27, the fundamental rights impact assessment) are worked on in the page.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const r = require('../lib/register');

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const GATE_LABEL = 'Een hoog-risico-systeem pas goedkeuren als alle vereisten zijn voldaan';

// The decision aid's answers for a deployer of a high-risk AI system (conclusion 13.0.2), as tests/api/beslishulp.rs.
const HIGH_RISK_DEPLOYER = [
  'Ja',
  'We gebruiken een extern ontwikkelde toepassing zonder aanpassingen',
  'In ontwikkeling',
  'Ja, het is een AI-systeem',
  'Nee',
  'Naar risicogroep bepaling',
  'Nee',
  'Geen van beide',
  'Ja',
  'Nee',
  'Ja',
  'Nee',
];

const browser = h.browserForFile();

const checked = h.checkPage;

/**
 * Work on a requirement's measures the way a user does: open its <details> (a click on its summary) and follow
 * "Maatregelen van … bijwerken", which brings the tab back with that requirement's forms; unless it is so already.
 */
async function openRequirement(page, id) {
  const details = page.locator(`#vereiste-${id}`);
  if (await details.evaluate((d) => d.open)) return;
  await details.locator('> summary').click();
  const url = new URL(page.url());
  await Promise.all([page.waitForNavigation(), details.getByRole('link', { name: `Maatregelen van ${id} bijwerken` }).click()]);
  assert.equal(new URL(page.url()).searchParams.get('fase'), url.searchParams.get('fase'), 'the filter stays');
  assert.ok(await details.evaluate((d) => d.open));
}

/** Press a submit button (exact name, within `scope`) and return the status of the page it lands on. */
async function submit(page, scope, name) {
  const [response] = await Promise.all([page.waitForNavigation(), h.clickButton(scope, name)]);
  return response.status();
}

/** Beheer → Organisaties → Gemeente Demodam: the approval gate of the Algoritmekader on or off. */
async function setGate(page, on) {
  await h.visit(page, '/beheer/organisaties');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Gemeente Demodam' }).first().click()]);
  const box = page.getByLabel(GATE_LABEL, { exact: true });
  if (on) await box.check();
  else await box.uncheck();
  assert.equal(await submit(page, page, 'Instelling opslaan'), 200);
  assert.equal(await page.getByLabel(GATE_LABEL, { exact: true }).isChecked(), on);
}

/** A personal API token with write access, made under Mijn account → API-tokens. */
async function apiToken(page) {
  await h.visit(page, '/account/api-tokens');
  await page.getByLabel('Naam', { exact: true }).fill(`Vereisten bijwerken ${Date.now()}`);
  await page.getByRole('group', { name: 'Geldig' }).getByRole('radio').first().check();
  await page.getByLabel('Mag ook concepten aanmaken', { exact: true }).check();
  await page.getByLabel('Uw wachtwoord', { exact: true }).fill(h.PASSWORD);
  await submit(page, page, 'Token aanmaken');
  return page.locator('#nieuw-token').inputValue();
}

async function api(page, token, method, path, body) {
  const response = await page.request.fetch(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { data: body }),
  });
  return { status: response.status(), body: await response.json() };
}

test('a high-risk registration is approved only when its requirements are met', async () => {
  const admin = await h.newSession(browser, 'beheerder');
  const owner = await h.newSession(browser, 'projectleider');
  const ciso = await h.newSession(browser, 'ciso');
  try {
    await setGate(admin.page, true);

    // A draft with everything submission asks for; then the decision aid, answered as a deployer of a
    // high-risk AI system.
    const pl = owner.page;
    const tool = {
      name: r.uniqueName('Toewijzingsmodel jeugdhulp'),
      description: 'Stelt voor welke jeugdhulpaanbieder past bij een aanvraag; de consulent beslist.',
      provider: 'Zorgmodel B.V.',
      department: 'Sociaal Domein',
      goal: 'Sneller een passende aanbieder voorstellen; de consulent beoordeelt elk voorstel.',
      accountable: 'Pim Projectleider (projectleider@demo.example)',
      publish: false,
    };
    await r.startRegistration(pl, tool.name);
    await r.fillDraft(pl, tool);
    await r.fillForSubmission(pl, tool);
    const overview = pl.url();
    const id = h.applicationIdFrom(overview);
    await h.visit(pl, `/register/${id}/ai-verordening`);
    assert.equal(await submit(pl, pl, 'Beslishulp starten'), 200);
    for (const answer of HIGH_RISK_DEPLOYER) {
      await pl.locator('#kop-vraag').waitFor();
      await pl.getByLabel(answer, { exact: true }).check();
      assert.equal(await submit(pl, pl, 'Volgende'), 200, answer);
    }
    assert.match(await pl.locator('main').innerText(), /Je bent een gebruiksverantwoordelijke van een hoog-risico AI-systeem/);

    // Before anything is taken over the tab says so and offers the button.
    await h.visit(pl, `/register/${id}/vereisten`);
    assert.match(await pl.locator('main').innerText(), /De vereisten zijn nog niet overgenomen/);
    await checked(pl, 'Vereisten before taking over');

    // The FRAIA the AI Act asks of a high-risk deployer, recorded by the owner and confirmed by the CISO.
    await h.visit(pl, `/register/${id}/assessments/nieuw`);
    await pl.getByLabel('Soort assessment').selectOption({ label: 'FRAIA (Fundamental Rights and Algorithms Impact Assessment)' });
    await pl.getByRole('group', { name: 'Status' }).getByLabel('Afgerond', { exact: true }).check();
    await pl.getByLabel('Afgerond op').fill(new Date().toISOString().slice(0, 10));
    await pl.getByLabel('Uitkomst').fill('Grondrechten afgewogen; de consulent beslist altijd zelf.');
    assert.equal(await submit(pl, pl, 'Opslaan'), 200);
    const cp = ciso.page;
    await h.visit(cp, `/register/${id}/assessments`);
    assert.equal(await submit(cp, cp, 'Bevestigen'), 200);

    // Submitted; the CISO ticks the checklist and takes it up.
    await h.visit(pl, overview);
    assert.equal(await submit(pl, pl, 'Indienen'), 200);
    assert.equal(await r.workflowStatus(pl), 'Ingediend');
    await h.visit(cp, `/register/${id}/beoordeling`);
    const checklist = cp.getByRole('region', { name: 'Checklist verantwoorde inzet' });
    for (const box of await checklist.getByRole('group', { name: 'Punten van de CISO' }).getByRole('checkbox').all()) await box.check();
    await submit(cp, checklist, 'Checklist opslaan');
    await submit(cp, cp, 'In behandeling nemen');
    assert.equal(await r.workflowStatus(cp), 'In beoordeling');

    // Approval is refused while the requirements are not taken over.
    const approve = async () => {
      await h.visit(cp, `/register/${id}/beoordeling`);
      const form = cp.getByRole('region', { name: 'Besluit van de CISO' });
      await form.getByLabel('Goedkeuren', { exact: true }).check();
      return submit(cp, form, 'Besluit vastleggen');
    };
    assert.equal(await approve(), 422);
    assert.match(await cp.locator('main').innerText(), /De vereisten zijn nog niet overgenomen/);

    // The owner takes them over on the tab: the high-risk deployer's 34 requirements.
    await h.visit(pl, `/register/${id}/vereisten`);
    assert.equal(await submit(pl, pl, 'Vereisten overnemen'), 200);
    assert.match(await h.flash(pl), /De vereisten zijn bijgewerkt/);
    assert.match(await pl.locator('main').innerText(), /34 vereisten van toepassing, waarvan 34 nog niet voldaan/);
    await checked(pl, 'Vereisten taken over');

    // Refused again, now naming the open requirements, each linked to the tab.
    assert.equal(await approve(), 422);
    const refusal = await cp.locator('main').innerText();
    assert.match(refusal, /Goedkeuren kan nog niet/);
    assert.match(refusal, /Nog niet voldaan: .*aia-27 – /);
    await checked(cp, 'CISO approval refused by the Algoritmekader gate');
    await h.visit(cp, `/register/${id}/beoordeling`);
    assert.equal(await cp.locator(`a[href="/register/${id}/vereisten?vereiste=aia-27#vereiste-aia-27"]`).count(), 1);

    // Every measure that aia-27 does not have completed through the API, with evidence (those it shares with
    // other requirements stay open, so those stay unmet too until aia-27's measures are done).
    const token = await apiToken(pl);
    const reqs = await api(pl, token, 'GET', `/applications/${id}/requirements`);
    assert.equal(reqs.status, 200);
    const fria = reqs.body.requirements.find((q) => q.id === 'aia-27');
    const ui = new Set(fria.measures.map((m) => m.id));
    assert.ok(ui.size >= 2, 'aia-27 has measures to work on in the page');
    const rest = new Map();
    for (const q of reqs.body.requirements) for (const m of q.measures) if (!ui.has(m.id)) rest.set(m.id, m.version);
    for (const [measure, version] of rest) {
      const saved = await api(pl, token, 'PUT', `/applications/${id}/measures/${measure}`, {
        status: 'gereed',
        evidence: 'Vastgelegd in het projectdossier.',
        version,
      });
      assert.equal(saved.status, 200, `${measure}: ${JSON.stringify(saved.body)}`);
    }
    const open = [...ui];

    // In the page, filtered on the phase "Ontwerp" (aia-27's first; the whole tab was checked above): done
    // without evidence is refused at the measure, the input and the filter kept.
    await h.visit(pl, `/register/${id}/vereisten?fase=ontwerp`);
    const [first, second, ...others] = open;
    const key = `aia-27-${first}`;
    await openRequirement(pl, 'aia-27');
    await pl.locator(`#status-${key}`).selectOption('gereed');
    await pl.locator(`#review_date-${key}`).fill('2027-06-30');
    const entry = pl.locator(`#m-${key}`);
    assert.equal(await submit(pl, entry, 'Maatregel opslaan'), 422);
    assert.match(await pl.locator(`#m-${key} [role="alert"]`).innerText(), /Vul bij Bewijs een toelichting/);
    assert.equal(await pl.locator(`#review_date-${key}`).inputValue(), '2027-06-30', 'the date typed comes back');
    assert.equal(await pl.getByLabel('Fase van de levenscyclus').inputValue(), 'ontwerp', 'the filter stays');
    await checked(pl, 'Measure refused without evidence');

    // With an evidence file: saved, back at the measure, the file linked and the review date in the date field.
    await pl.locator(`#status-${key}`).selectOption('gereed');
    await pl.locator(`#review_date-${key}`).fill('2027-06-30');
    await pl.locator(`#document-${key}`).setInputFiles({ name: 'grondrechtenafweging.pdf', mimeType: 'application/pdf', buffer: PDF });
    assert.equal(await submit(pl, pl.locator(`#m-${key}`), 'Maatregel opslaan'), 200);
    assert.match(await h.flash(pl), /De maatregel is opgeslagen/);
    assert.equal(new URL(pl.url()).hash, `#maatregel-${first}`);
    assert.equal(new URL(pl.url()).searchParams.get('fase'), 'ontwerp');
    assert.equal(await pl.locator(`#maatregel-${first}`).count(), 1, 'the anchor the save returns to exists');
    assert.equal(await pl.locator(`#review_date-${key}`).inputValue(), '2027-06-30', 'a stored date shows in the date field');
    assert.equal(await pl.getByRole('link', { name: 'grondrechtenafweging.pdf' }).count() > 0, true);
    await checked(pl, 'Measure saved with an evidence file');

    // The second: not applicable, with a reason.
    const key2 = `aia-27-${second}`;
    await openRequirement(pl, 'aia-27');
    await pl.locator(`#status-${key2}`).selectOption('niet_van_toepassing');
    await pl.locator(`#reason-${key2}`).fill('De aanbieder voert deze stap uit; wij nemen de uitkomst over in ons dossier.');
    assert.equal(await submit(pl, pl.locator(`#m-${key2}`), 'Maatregel opslaan'), 200);
    assert.match(await h.flash(pl), /De maatregel is opgeslagen/);

    // While measures of aia-27 are open the approval is still refused; the rest of them through the API.
    if (others.length) {
      assert.equal(await approve(), 422);
      assert.match(await cp.locator('main').innerText(), /aia-27 – /);
      for (const measure of others) {
        const state = await api(pl, token, 'GET', `/applications/${id}/requirements`);
        const m = state.body.requirements.find((q) => q.id === 'aia-27').measures.find((x) => x.id === measure);
        const saved = await api(pl, token, 'PUT', `/applications/${id}/measures/${measure}`, {
          status: 'gereed',
          evidence_url: 'https://intranet.demodam.example/dossier/fraia',
          version: m.version,
        });
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
      }
    }
    await h.visit(pl, `/register/${id}/vereisten?fase=ontwerp`);
    assert.match(await pl.locator('main').innerText(), /34 vereisten van toepassing, waarvan 0 nog niet voldaan; 0 maatregelen open/);
    assert.match(await pl.locator('#vereiste-aia-27 > summary').innerText(), /\(voldaan\)/);
    await checked(pl, 'Vereisten all met');

    // The gate is met: the review page no longer names it and the approval passes.
    await h.visit(cp, `/register/${id}/beoordeling`);
    assert.doesNotMatch(await cp.locator('main').innerText(), /Nog niet voldaan: /);
    assert.equal(await approve(), 200);
    assert.match(await h.flash(cp), /Besluit vastgelegd: .* \(goedgekeurd\)/);
    assert.equal(await r.workflowStatus(cp), 'Goedgekeurd');

    // The EU database sheet of this high-risk system says what is still missing (the provider's entry).
    await h.visit(pl, `/register/${id}/eu-databank`);
    const rows = pl.getByRole('table').getByRole('row');
    assert.match((await rows.nth(3).getByRole('cell').nth(1).innerText()).trim(), /URL of code van de aanbieder/);
    assert.match(await pl.locator('main').innerText(), /Bij [1-5] van de 5 velden ontbreekt nog iets/);
    await checked(pl, 'EU sheet of the approved high-risk system');
  } finally {
    // The gate off again: later files expect the demo organisation's defaults.
    await setGate(admin.page, false).catch(() => {});
    await admin.context.close();
    await owner.context.close();
    await ciso.context.close();
  }
});
