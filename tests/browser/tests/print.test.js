'use strict';
// The allowed-tools cheat sheet (seed 001: "printable on one A4"): the print view of the demo organisation's
// list, printed by chromium as PDF on A4 landscape with the print CSS, is exactly one page, and the table
// with every listed tool is on it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const browser = h.browserForFile();

test('the allowed-tools print view fits on one landscape A4', async () => {
  const { context, page } = await h.newSession(browser, 'medewerker');
  try {
    const response = await page.goto('/toegestane-tools/afdrukken');
    assert.equal(response.status(), 200);
    const tools = await page.locator('table.app-tools tbody tr').count();
    assert.ok(tools >= 5, `the demo lists its tools (${tools})`);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true, preferCSSPageSize: true });
    if (process.env.PRINT_PDF_OUT) require('node:fs').writeFileSync(process.env.PRINT_PDF_OUT, pdf);
    // Each page of a PDF is an object of /Type /Page (the page tree itself is /Type /Pages).
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
    assert.equal(pages, 1, `one A4 page, got ${pages}`);
  } finally {
    await context.close();
  }
});
