'use strict';
// An employee reports an incident with the keyboard only: Tab to the skip link, Enter, Tab through the page
// to the form, type in the select (type-ahead), Space and arrow keys in the radio group, type the
// description, Shift+Tab back and Tab forward again, Enter on the submit button. No clicks, no fill().
// Every element that receives focus must show a visible focus indicator: its computed outline or box-shadow
// differs from the same element's unfocused style.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const browser = h.browserForFile();

/** Remember every focusable element's unfocused style (outline, box-shadow), before any key is pressed. */
async function recordUnfocusedStyles(page) {
  await page.evaluate(() => {
    const style = (el) => {
      const s = getComputedStyle(el);
      return { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, boxShadow: s.boxShadow };
    };
    window.__unfocused = new Map();
    window.__style = style;
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
      window.__unfocused.set(el, style(el));
    }
  });
}

/** What has focus now, and whether its focus indicator is visible. */
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', indicator: false, description: 'document.body' };
    const now = window.__style(el);
    const before = window.__unfocused.get(el);
    const s = getComputedStyle(el);
    const outlineShown = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    // A shadow counts when one of its layers has a colour that is not fully transparent and some size
    // (utrecht's focus ring is a transparent 0px shadow when the theme sets no focus tokens).
    const shadowShown = s.boxShadow !== 'none' && s.boxShadow.split(/,(?![^(]*\))/).some((layer) => {
      const color = layer.match(/rgba?\(([^)]*)\)/);
      const alpha = color ? Number(color[1].split(',')[3] ?? 1) : 1;
      const sizes = layer.replace(/rgba?\([^)]*\)/, '').match(/-?[\d.]+px/g) ?? [];
      return alpha > 0 && sizes.slice(2).some((v) => parseFloat(v) > 0);
    });
    const changed = !before || before.outline !== now.outline || before.boxShadow !== now.boxShadow;
    const rect = el.getBoundingClientRect();
    const label = el.labels?.[0]?.innerText ?? '';
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      type: el.type ?? '',
      name: el.getAttribute('name') ?? '',
      value: el.value ?? '',
      checked: !!el.checked,
      text: (el.innerText || label || el.getAttribute('aria-label') || '').trim().slice(0, 60),
      indicator: changed && (outlineShown || shadowShown),
      visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight,
      style: `outline ${before?.outline} → ${now.outline}; box-shadow ${before?.boxShadow} → ${now.boxShadow}`,
      description: `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : ''}> ${(el.innerText || label || '').trim().slice(0, 40)}`,
    };
  });
}

/** Press a key and check the element that then has focus shows where it is. */
async function press(page, key, visited) {
  await page.keyboard.press(key);
  const f = await focused(page);
  assert.ok(f.visible, `after ${key}, the focused element is on screen: ${f.description}`);
  assert.ok(f.indicator, `after ${key}, ${f.description} shows a visible focus indicator (${f.style})`);
  visited.push(f.description);
  if (process.env.DEBUG_FOCUS) console.log(key, f.description, f.style);
  return f;
}

test('employee reports an incident with the keyboard only', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    const appId = await h.applicationId(page, 'ChatGPT Team');
    await h.visit(page, `/register/${appId}/incidenten`);
    await recordUnfocusedStyles(page);
    const visited = [];

    // First Tab: the skip link, visible once focused; Enter moves to the main content.
    let f = await press(page, 'Tab', visited);
    assert.equal(f.tag, 'a');
    assert.equal(f.text, 'Direct naar de inhoud');
    await page.keyboard.press('Enter');
    assert.equal(new URL(page.url()).hash, '#inhoud');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'inhoud', 'focus moved to the main content');

    // Tab through the registration's header and tabs to the form's first field.
    for (let i = 0; i < 40 && f.id !== 'kind'; i++) f = await press(page, 'Tab', visited);
    assert.equal(f.id, 'kind', `Tab reaches "Soort incident"; visited:\n${visited.join('\n')}`);

    // Select by type-ahead.
    await page.keyboard.type('Onj');
    assert.equal(await page.locator('#kind').inputValue(), 'onjuiste_uitvoer');

    // Radio group: Tab enters it on the first option, Space checks it, arrow keys move the choice.
    f = await press(page, 'Tab', visited);
    assert.equal(f.name, 'severity');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('input[name=severity]:checked').inputValue(), 'laag');
    f = await press(page, 'ArrowDown', visited);
    f = await press(page, 'ArrowDown', visited);
    f = await press(page, 'ArrowUp', visited);
    assert.equal(await page.locator('input[name=severity]:checked').inputValue(), 'middel', 'arrow keys choose "Middel"');

    // The description.
    f = await press(page, 'Tab', visited);
    assert.equal(f.id, 'description');
    const description = `De samenvatting noemde een verkeerde vergaderdatum; gezien en verbeterd voor verzending (${Date.now()}).`;
    await page.keyboard.type(description);

    // Shift+Tab goes back to the chosen radio button, Tab returns to the description.
    f = await press(page, 'Shift+Tab', visited);
    assert.equal(f.name, 'severity');
    assert.equal(f.value, 'middel', 'Shift+Tab returns to the checked option');
    f = await press(page, 'Tab', visited);
    assert.equal(f.id, 'description');
    assert.equal(await page.locator('#description').inputValue(), description, 'what was typed is still there');

    // Tab to the button and submit with Enter.
    f = await press(page, 'Tab', visited);
    assert.equal(f.tag, 'button');
    assert.equal(f.text, 'Incident melden');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    // The saved result: a confirmation, and the incident in the list with what was chosen.
    assert.match(await h.flash(page), /gemeld/i);
    const incident = page.locator('.app-incidents li', { hasText: description });
    assert.equal(await incident.count(), 1, 'the incident is listed');
    const text = await incident.innerText();
    assert.match(text, /Onjuiste uitvoer/);
    assert.match(text, /ernst Middel/i);
    assert.match(text, /Gemeld/);
    assert.match(text, /Mila de Medewerker/);
  } finally {
    await context.close();
  }
});
