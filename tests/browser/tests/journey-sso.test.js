'use strict';
// Inloggen met organisatie-account, the whole road in chromium against a real OpenID provider on loopback
// (oidc-provider, tests/support/oidc/provider.mjs, started here with this server's callback registered):
// the beheerder sets it up on the organisation's page ("Testen" failing and succeeding, errors named on their
// fields); the login page's button leads through the provider's login page to a new account with the role
// medewerker and the token's name and e-mail; groups at the provider make the person CISO at the next login
// and take it away again, while a role the beheerder granted by hand stays; tampered, expired and
// wrong-audience tokens, a wrong issuer, a wrong nonce and a forged state are refused with a Dutch page; a
// rotated signing key is followed; logout ends the session (also through the provider's end-session page);
// with two organisations the login page offers a choice; an unreachable issuer and a provider switched off
// give Dutch error pages, never a 500. axe-core and html-validate run on every SSO page state on the way.
//
// The demo organisation is switched back off at the end (also when a step failed), so the test files after
// this one see the login page without the button.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness');
const sso = require('../lib/sso');

const DEMO_ORG = 'Gemeente Demodam';
const LABEL = 'Gemeente-account';
const sfx = Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6);
const person = {
  sub: `sanne-${sfx}`,
  email: `sanne.${sfx}@gemeente.example`,
  name: `Sanne Jansen ${sfx}`,
  groups: ['medewerkers'],
};

let browser;
let provider;
let admin;
let demoOrgId;
const secret = sso.secretFile();

before(async () => {
  browser = await h.launch();
  provider = await sso.startProvider();
  admin = await h.newSession(browser, 'beheerder');
});

after(async () => {
  try {
    if (demoOrgId) await switchOff(admin.page, demoOrgId);
  } finally {
    provider?.stop();
    fs.rmSync(path.dirname(secret), { recursive: true, force: true });
    await browser?.close();
  }
});

/** axe-core and html-validate on the page as it is now. */
async function checkPage(page, label) {
  await h.assertNoAxeViolations(page, label);
  await h.assertValidHtml(await h.documentSource(page), label);
}

async function switchOff(page, orgId) {
  await page.goto(`/beheer/organisaties/${orgId}/inloggen`);
  await sso.fillSettings(page, { enabled: false, issuer: provider.issuer });
  assert.equal(await sso.submitSettings(page, 'Opslaan'), 200);
  await page.getByText('zijn opgeslagen').waitFor();
}

/** The settings of the demo organisation that work with the provider. */
function goodSettings() {
  return {
    label: LABEL,
    issuer: provider.issuer,
    client_id: sso.CLIENT_ID,
    secret_file: secret,
    scopes: 'openid email profile groups',
    group_roles: 'informatiebeveiliging = ciso\nprojecten = projectleider',
  };
}

/** At 320 CSS px wide nothing sticks out (WCAG 1.4.10), then back to the normal width. */
async function assertReflow(page, label) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `${label} is ${width} px wide at a 320 px viewport`);
  } finally {
    await page.setViewportSize(size);
  }
}

/** The main text of the page, whitespace folded. */
async function mainText(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

/** Not logged in: a protected page sends the browser to the login page. */
async function assertLoggedOut(page) {
  await page.goto('/account');
  assert.equal(new URL(page.url()).pathname, '/inloggen', `not logged in, but ${page.url()}`);
}

async function assertLoggedInAs(page, name) {
  await page.locator('.app-user-name', { hasText: name }).waitFor();
}

/** The HTTP status of a page for this session (403 when the role is missing). */
async function statusOf(page, path) {
  return (await page.goto(path)).status();
}

test('beheerder sets up Inloggen met organisatie-account: errors, Testen fails and succeeds, saved', async () => {
  const { page } = admin;
  demoOrgId = await sso.openSettings(page, DEMO_ORG);
  assert.match(await mainText(page), /terugkeeradres \(redirect URI\): http:\/\/127\.0\.0\.1:\d+\/inloggen\/organisatie\/terugkeer/);
  await checkPage(page, 'SSO settings (empty)');

  // Bad input: each problem named on its field, the form comes back filled in.
  await sso.fillSettings(page, {
    ...goodSettings(),
    issuer: 'http://idp.gemeente.example',
    client_id: '',
    group_roles: 'informatiebeveiliging = baas',
  });
  assert.equal(await sso.submitSettings(page, 'Opslaan'), 422);
  const summary = await page.locator('.app-error-summary').innerText();
  assert.match(summary, /Uitgever \(issuer\).*https/);
  assert.match(summary, /client-id/);
  assert.match(summary, /Groepen en rollen, regel 1/);
  assert.equal(await page.locator('#label').inputValue(), LABEL, 'the form keeps what was entered');
  assert.equal(await page.locator('#group_roles').inputValue(), 'informatiebeveiliging = baas');
  await checkPage(page, 'SSO settings with errors');

  // "Testen" on an issuer nobody answers at: a Dutch message, nothing saved.
  await sso.fillSettings(page, { ...goodSettings(), issuer: `http://127.0.0.1:${await sso.closedPort()}` });
  assert.equal(await sso.submitSettings(page, 'Testen'), 200);
  assert.match(await mainText(page), /Test mislukt\. De inlogdienst van uw organisatie is niet bereikbaar/);
  await checkPage(page, 'SSO settings, Testen failed');

  await sso.fillSettings(page, goodSettings());
  assert.equal(await sso.submitSettings(page, 'Testen'), 200);
  const tested = await mainText(page);
  assert.ok(tested.includes(`Test geslaagd. De inlogdienst antwoordt: uitgever ${provider.issuer}, 1 sleutel(s)`), tested);
  assert.ok(tested.includes(`Het clientgeheim is gevonden in het bestand ${secret}.`), tested);
  assert.ok(!(await h.documentSource(page)).includes(sso.CLIENT_SECRET), 'the secret is never shown');
  await checkPage(page, 'SSO settings, Testen succeeded');
  await assertReflow(page, 'SSO settings, Testen succeeded');

  await sso.fillSettings(page, { enabled: true });
  assert.equal(await sso.submitSettings(page, 'Opslaan'), 200);
  assert.match(await h.flash(page), /zijn opgeslagen/);
  assert.equal(await page.locator('#issuer').inputValue(), provider.issuer);
  assert.ok(await page.locator('#enabled').isChecked());
  assert.equal(await page.locator('#group_roles').inputValue(), goodSettings().group_roles);
});

test('first login through the provider makes an account as medewerker with the name and e-mail of the token', async () => {
  await provider.person(person);
  const anon = await h.newSession(browser, null);
  try {
    await anon.page.goto('/inloggen');
    await anon.page.getByRole('button', { name: `Inloggen met ${LABEL}`, exact: true }).waitFor();
    await checkPage(anon.page, 'login page with one SSO button');
  } finally {
    await anon.context.close();
  }

  const s = await sso.ssoLogin(browser, provider, `Inloggen met ${LABEL}`, person.sub);
  try {
    assert.equal(s.callback.status(), 303);
    await assertLoggedInAs(s.page, person.name);
    await s.page.goto('/account');
    assert.ok((await mainText(s.page)).includes(person.email), 'the e-mail address from the token');
    assert.equal(await statusOf(s.page, '/te-beoordelen'), 403, 'a new account is only medewerker');
  } finally {
    await s.context.close();
  }

  const { page } = admin;
  await page.goto('/beheer/gebruikers');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: person.name }).click()]);
  assert.ok((await mainText(page)).includes(person.email));
  assert.ok(await page.locator('#rol-medewerker').isChecked());
  for (const role of ['projectleider', 'ciso', 'fg', 'directie', 'beheerder']) {
    assert.equal(await page.locator(`#rol-${role}`).isChecked(), false, `no role ${role} at first login`);
  }
});

test('roles follow the groups at every login; a role granted by hand stays', async () => {
  // The beheerder makes Sanne FG by hand.
  const { page } = admin;
  await page.goto('/beheer/gebruikers');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: person.name }).click()]);
  await page.locator('#rol-fg').check();
  await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Rollen opslaan')]);

  // At the provider she joins informatiebeveiliging: at the next login she is CISO and sees the queue.
  await provider.person({ ...person, groups: ['medewerkers', 'informatiebeveiliging'] });
  let s = await sso.ssoLogin(browser, provider, `Inloggen met ${LABEL}`, person.sub);
  try {
    assert.equal(s.callback.status(), 303);
    assert.equal(await statusOf(s.page, '/te-beoordelen'), 200);
    assert.ok((await mainText(s.page)).includes('Microsoft 365 Copilot'), "the CISO's queue of the demo organisation");
    assert.equal(await statusOf(s.page, '/adviesaanvragen'), 200, 'FG by hand');
  } finally {
    await s.context.close();
  }

  // She leaves the group: CISO goes at the next login, FG (by hand) stays.
  await provider.person({ ...person, groups: ['medewerkers'] });
  s = await sso.ssoLogin(browser, provider, `Inloggen met ${LABEL}`, person.sub);
  try {
    assert.equal(s.callback.status(), 303);
    assert.equal(await statusOf(s.page, '/te-beoordelen'), 403, 'CISO followed the group away');
    assert.equal(await statusOf(s.page, '/adviesaanvragen'), 200, 'the role granted by hand stays');
  } finally {
    await s.context.close();
  }
});

const REFUSALS = [
  ['tamper', 'niet door de inlogdienst van uw organisatie ondertekend of is onderweg veranderd'],
  ['expired', 'is verlopen'],
  ['wrong-aud', 'verkeerde audience'],
  ['wrong-iss', 'komt van een andere inlogdienst'],
  ['wrong-nonce', 'nonce klopt niet'],
  ['alg-none', 'niet door de inlogdienst van uw organisatie ondertekend'],
];

test('tampered, expired, wrong-audience, wrong-issuer, wrong-nonce and unsigned tokens are refused in Dutch', async () => {
  try {
    for (const [mode, message] of REFUSALS) {
      await provider.mode(mode);
      const s = await sso.ssoLogin(browser, provider, `Inloggen met ${LABEL}`, person.sub);
      try {
        assert.equal(s.callback.status(), 400, `${mode}: status`);
        await s.page.getByRole('heading', { level: 1, name: 'Inloggen met organisatie-account is niet gelukt' }).waitFor();
        const text = await mainText(s.page);
        assert.ok(text.includes(message), `${mode}: expected "${message}" in: ${text}`);
        assert.equal(await s.page.locator('html').getAttribute('lang'), 'nl');
        await checkPage(s.page, `SSO refusal (${mode})`);
        await assertLoggedOut(s.page);
      } finally {
        await s.context.close();
      }
    }
  } finally {
    await provider.mode('normal');
  }
});

test('a callback with a forged state is refused in Dutch', async () => {
  const s = await h.newSession(browser, null);
  try {
    await s.page.goto('/inloggen');
    await Promise.all([
      s.page.waitForURL((u) => u.href.startsWith(`${provider.issuer}/interaction/`)),
      h.clickButton(s.page, `Inloggen met ${LABEL}`),
    ]);
    // Instead of logging in at the provider, someone hands the browser a callback of their own.
    const r = await s.page.goto(`${sso.CALLBACK_PATH}?code=van-een-ander&state=vervalst`);
    assert.equal(r.status(), 400);
    assert.ok((await mainText(s.page)).includes('state klopt niet'));
    await checkPage(s.page, 'SSO refusal (forged state)');
    await assertReflow(s.page, 'SSO refusal (forged state)');
    await assertLoggedOut(s.page);
  } finally {
    await s.context.close();
  }
});

test('a rotated signing key at the provider is followed', async () => {
  const before = await provider.control('/test/log');
  const after = await provider.rotate();
  assert.notEqual(after.kid, before.kid, 'the provider signs with a new key');
  const s = await sso.ssoLogin(browser, provider, `Inloggen met ${LABEL}`, person.sub);
  try {
    assert.equal(s.callback.status(), 303);
    await assertLoggedInAs(s.page, person.name);
  } finally {
    await s.context.close();
  }
});

test('Uitloggen ends the session (through the provider when it offers end-session)', async () => {
  const s = await sso.ssoLogin(browser, provider, `Inloggen met ${LABEL}`, person.sub);
  try {
    await assertLoggedInAs(s.page, person.name);
    await Promise.all([s.page.waitForNavigation(), h.clickButton(s.page, 'Uitloggen')]);
    if (s.page.url().startsWith(provider.issuer)) {
      // RP-initiated logout: the provider asks for confirmation, then sends the browser back.
      await Promise.all([
        s.page.waitForURL((u) => u.href.startsWith(`${h.BASE_URL}/inloggen`)),
        h.clickButton(s.page, 'Ja, uitloggen'),
      ]);
    }
    assert.equal(new URL(s.page.url()).pathname, '/inloggen');
    await assertLoggedOut(s.page);
  } finally {
    await s.context.close();
  }
});

test('with two organisations the login page offers a choice', async () => {
  const { page } = admin;
  // A long real name: the header's organisation chooser must still fit at 320 px (reflow.test.js runs later).
  const name = `Hoogheemraadschap van Schieland en de Krimpenerwaard ${sfx}`;
  await page.goto('/beheer/organisaties/nieuw');
  await page.locator('#org_name').fill(name);
  await page.locator('#org_code').fill(`ws${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`);
  await page.locator('#org_email').fill(`ai@${sfx}.waterschap.example`);
  await Promise.all([page.waitForNavigation(), h.clickButton(page, 'Opslaan')]);
  assert.match(await h.flash(page), /is toegevoegd/);
  const otherId = await sso.openSettings(page, name);
  await sso.fillSettings(page, { ...goodSettings(), label: 'Waterschapsaccount', group_roles: '', enabled: true });
  assert.equal(await sso.submitSettings(page, 'Opslaan'), 200);
  try {
    const anon = await h.newSession(browser, null);
    try {
      await anon.page.goto('/inloggen');
      assert.ok((await mainText(anon.page)).includes('Kies uw organisatie.'));
      await anon.page.getByRole('button', { name: `Inloggen met ${LABEL} (${DEMO_ORG})`, exact: true }).waitFor();
      await anon.page.getByRole('button', { name: `Inloggen met Waterschapsaccount (${name})`, exact: true }).waitFor();
      await checkPage(anon.page, 'login page with two SSO buttons');
      await assertReflow(anon.page, 'login page with two SSO buttons');
    } finally {
      await anon.context.close();
    }
  } finally {
    await switchOff(page, otherId);
  }
});

test('an unreachable issuer and a provider switched off give Dutch error pages, never a 500', async () => {
  const { page } = admin;
  const user = await h.newSession(browser, null);
  try {
    // The provider cannot be reached: the button leads to a Dutch page.
    await page.goto(`/beheer/organisaties/${demoOrgId}/inloggen`);
    await sso.fillSettings(page, { issuer: `http://127.0.0.1:${await sso.closedPort()}` });
    assert.equal(await sso.submitSettings(page, 'Opslaan'), 200);
    await user.page.goto('/inloggen');
    const [r] = await Promise.all([user.page.waitForNavigation(), h.clickButton(user.page, `Inloggen met ${LABEL}`)]);
    assert.equal(r.status(), 502);
    assert.ok((await mainText(user.page)).includes('De inlogdienst van uw organisatie is niet bereikbaar'));
    await checkPage(user.page, 'SSO error page (issuer unreachable)');

    // A login under way when the beheerder switches the provider off is not completed.
    await page.goto(`/beheer/organisaties/${demoOrgId}/inloggen`);
    await sso.fillSettings(page, { issuer: provider.issuer });
    assert.equal(await sso.submitSettings(page, 'Opslaan'), 200);
    await user.page.goto('/inloggen');
    await Promise.all([
      user.page.waitForURL((u) => u.href.startsWith(`${provider.issuer}/interaction/`)),
      h.clickButton(user.page, `Inloggen met ${LABEL}`),
    ]);
    await switchOff(page, demoOrgId);
    const callback = user.page.waitForResponse((res) => res.url().startsWith(`${h.BASE_URL}${sso.CALLBACK_PATH}`));
    await user.page.getByLabel('Gebruiker').fill(person.sub);
    await h.clickButton(user.page, 'Inloggen');
    assert.equal((await callback).status(), 400);
    await user.page.getByRole('heading', { level: 1, name: 'Inloggen met organisatie-account is niet gelukt' }).waitFor();
    assert.ok((await mainText(user.page)).includes('voor deze organisatie uitgeschakeld'));
    await assertLoggedOut(user.page);

    // The login page no longer offers the button.
    await user.page.goto('/inloggen');
    assert.equal(await user.page.getByRole('button', { name: `Inloggen met ${LABEL}` }).count(), 0);
  } finally {
    await user.context.close();
  }
});
