'use strict';
// What a person would notice on a page, measured in the browser (tests/look.test.js): content sticking out
// sideways, headings and labels drawn over each other, words in a table split in the middle, and text that
// is not set in the bundled fonts. Each function returns a list of findings (empty when the page is fine).

/** Elements that stick out to the right of the viewport, outside any scroll box (the innermost ones). */
function overflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const width = doc.clientWidth;
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
    if (doc.scrollWidth > width) out.push(`the document is ${doc.scrollWidth} px wide in a ${width} px viewport`);
    for (const el of document.querySelectorAll('body *')) {
      if (!over(el) || inScrollBox(el) || [...el.children].some(over)) continue;
      const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
      const text = (el.innerText || '').trim().slice(0, 40);
      out.push(`${el.tagName.toLowerCase()}${cls} ends at ${Math.round(el.getBoundingClientRect().right)} px: "${text}"`);
    }
    return out.slice(0, 10);
  });
}

/**
 * Headings, labels, legends, captions, terms, table headers, buttons, radio buttons and checkboxes whose
 * text boxes (a control's own box) overlap another
 * one's (not its own ancestor's or descendant's). Visually hidden text (1 px boxes) is left out.
 */
function textOverlap(page) {
  return page.evaluate(() => {
    const selector = 'h1, h2, h3, h4, label, legend, caption, dt, th, .utrecht-button, .utrecht-form-label, input[type=radio], input[type=checkbox]';
    const boxes = [];
    const hidden = (el) => {
      for (let p = el; p && p !== document.body; p = p.parentElement) {
        const r = p.getBoundingClientRect();
        if (r.width <= 2 || r.height <= 2) return true;
      }
      return getComputedStyle(el).visibility === 'hidden';
    };
    for (const el of document.querySelectorAll(selector)) {
      if (hidden(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(el);
      // A radio button or checkbox has no text: its own box counts.
      const own = el.tagName === 'INPUT' ? [el.getBoundingClientRect()] : range.getClientRects();
      const rects = [...own].filter((q) => q.width > 2 && q.height > 2);
      if (rects.length) boxes.push({ el, rects });
    }
    const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
    const name = (el) => `${el.tagName.toLowerCase()} "${(el.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
    const out = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        if (a.rects.some((x) => b.rects.some((y) => hit(x, y)))) out.push(`${name(a.el)} overlaps ${name(b.el)}`);
      }
    }
    return out.slice(0, 10);
  });
}

/**
 * Words in table cells that the browser split over two lines where there is no break opportunity: not at a
 * space, a soft hyphen, a hyphen or a slash ("Toegesta|an"). Long tokens (over 24 characters: addresses,
 * links) may break. A word is split when its characters' boxes lie on more than one line.
 */
function brokenWords(page) {
  return page.evaluate(() => {
    const out = [];
    for (const cell of document.querySelectorAll('table th, table td')) {
      const r = cell.getBoundingClientRect();
      if (r.width <= 2 || r.height <= 2 || cell.closest("thead")?.getBoundingClientRect().width <= 2) continue;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/[^\s\u00AD\-/]+/g)) {
          if (m[0].length > 24) continue;
          // The first and the last character's line (a whole-word range would also hold the hyphen that a
          // soft-hyphen break draws at the end of the line before).
          // A character's range can also hold an empty box at the end of the line before: take its lowest
          // box for the first character and its highest for the last.
          const tops = (i) => {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            return [...range.getClientRects()].filter((q) => q.width > 0).map((q) => q.top);
          };
          const first = Math.max(...tops(m.index));
          const last = Math.min(...tops(m.index + m[0].length - 1));
          if (Number.isFinite(first) && Number.isFinite(last) && Math.abs(last - first) > 3) {
            out.push(`"${m[0]}" in ${cell.tagName.toLowerCase()} is split over two lines`);
          }
        }
      }
    }
    return out.slice(0, 10);
  });
}

/**
 * The fonts: the bundled faces are loaded (FontFaceSet), body text and headings name them first in their
 * computed font-family, and the glyphs of the first heading and of a paragraph are really drawn with the
 * web font (DevTools protocol: CSS.getPlatformFontsForNode names the font used and whether it is a web font).
 */
async function fontProblems(page) {
  // The example theme sets headings in Noto Serif; the other themes' heading fonts are sans-serif, mapped
  // to the bundled Noto Sans (static/theme-overrides.css).
  const heading = await page.evaluate(() => (document.body.classList.contains('voorbeeld-theme') ? 'Noto Serif' : 'Noto Sans'));
  const out = await page.evaluate(async (heading) => {
    await document.fonts.ready;
    const problems = [];
    const loaded = (family) => [...document.fonts].some((f) => f.family.replace(/["']/g, '') === family && f.status === 'loaded');
    if (!loaded('Noto Sans')) problems.push('no Noto Sans face has status "loaded"');
    if (!document.fonts.check('16px "Noto Sans"')) problems.push('document.fonts.check("16px Noto Sans") is false');
    const first = (el) => getComputedStyle(el).fontFamily.split(',')[0].trim().replace(/["']/g, '');
    if (first(document.body) !== 'Noto Sans') problems.push(`body font-family starts with ${first(document.body)}`);
    // The paragraph probed below: the first one in main with text of its own.
    const p = [...document.querySelectorAll('main p')].find((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim()));
    if (p) p.setAttribute('data-look-probe', '');
    const h1 = document.querySelector('h1');
    if (h1 && first(h1) !== heading) problems.push(`h1 font-family starts with ${first(h1)}, not ${heading}`);
    return problems;
  }, heading);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    for (const [selector, family] of [['h1', heading], ['main p[data-look-probe]', 'Noto Sans']]) {
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      if (!nodeId) continue;
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const main = [...fonts].sort((a, b) => b.glyphCount - a.glyphCount)[0];
      if (!main || main.familyName !== family || !main.isCustomFont) {
        out.push(`${selector} is drawn in ${main ? `${main.familyName} (web font: ${main.isCustomFont})` : 'nothing'}, not the bundled ${family}`);
      }
    }
  } finally {
    await cdp.detach();
  }
  return out;
}

module.exports = { overflow, textOverlap, brokenWords, fontProblems };
