'use strict';
// Reflow (WCAG 1.4.10): at 320 CSS px wide the pages marked `reflow: true` in lib/pages.js need no
// horizontal scrolling: document.documentElement.scrollWidth <= 320. A wide table may scroll inside its own
// box; that does not widen the document.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const { PAGES, open } = require('../lib/pages');

const VIEWPORT = { width: 320, height: 640 };

let browser;
const sessions = new Map();
before(async () => {
  browser = await h.launch();
});
after(async () => {
  await browser?.close();
});

async function contextFor(role) {
  if (role === null) return (await h.newSession(browser, null, { viewport: VIEWPORT })).context;
  if (!sessions.has(role)) sessions.set(role, (await h.newSession(browser, role, { viewport: VIEWPORT })).context);
  return sessions.get(role);
}

/** The innermost elements that stick out to the right (outside any scroll box), to say what to fix. */
function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const over = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > width + 0.5;
    };
    const inScrollBox = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (!over(el) || inScrollBox(el) || [...el.children].some(over)) continue;
      const r = el.getBoundingClientRect();
      const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
      out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} (right edge at ${Math.round(r.right)} px) "${(el.innerText || '').trim().slice(0, 40)}"`);
    }
    return out.slice(0, 10);
  });
}

for (const entry of PAGES.filter((p) => p.reflow)) {
  const who = entry.role ?? 'anonymous';
  test(`reflow at 320 px: ${entry.name} (${who})`, async () => {
    const context = await contextFor(entry.role);
    const { page, close } = await open(entry, context, VIEWPORT);
    try {
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > VIEWPORT.width) {
        assert.fail(
          `${entry.name} (${new URL(page.url()).pathname}) is ${scrollWidth} px wide at a 320 px viewport; sticking out:\n  ` +
            (await overflowing(page)).join('\n  '),
        );
      }
    } finally {
      await close();
      if (entry.role === null) await context.close();
    }
  });
}
