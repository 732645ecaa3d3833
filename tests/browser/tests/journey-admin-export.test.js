'use strict';
// Journey c: an administrator opens "Publicatie" and downloads the export for the national Algoritmeregister
// (JSON and CSV) through the links on the page. Every JSON entry must be valid against the standard's
// AlgorithmIn 1.0 schema (reference/algoritmeregister/algorithm-in-v1_0.schema.json, JSON Schema 2020-12),
// and the CSV must be the register's format: UTF-8 with BOM, the register's header row, one row per entry.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020');
const h = require('../lib/harness');
const r = require('../lib/register');

const SCHEMA_PATH = path.join(__dirname, '..', '..', '..', 'reference', 'algoritmeregister', 'algorithm-in-v1_0.schema.json');

/** The register's CSV columns, in its order (src/publication/csv.rs), then algorithm_id and publication_dt. */
const CSV_HEADER = [
  'name', 'organization', 'description_short', 'category', 'website', 'status', 'goal', 'proportionality',
  'lawful_basis', 'standard_version', 'url', 'contact_email', 'lang', 'publiccode', 'source_data',
  'methods_and_models', 'human_intervention', 'risks', 'provider', 'process_index_url', 'tags', 'source_id',
  'begin_date', 'end_date', 'impacttoetsen', 'publication_category', 'lawful_basis_grouping',
  'impacttoetsen_grouping', 'source_data_grouping', 'algorithm_id', 'publication_dt',
];

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function schemaValidator() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', 'the schema is JSON Schema 2020-12');
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // The schema's own annotations (documented in its description); known to ajv so strict mode accepts them.
  ajv.addVocabulary(['x-max-length-without-html', 'x-allowed-html-tags', 'x-recommended-values', 'x-show-always']);
  return ajv.compile(schema);
}

const browser = h.browserForFile();

/** Click a link that downloads a file; returns the file's name and bytes. */
async function download(page, scope, linkName) {
  const [file] = await Promise.all([page.waitForEvent('download'), scope.getByRole('link', { name: linkName }).click()]);
  const failure = await file.failure();
  assert.equal(failure, null, `download of ${linkName}`);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

test('administrator downloads the Algoritmeregister export (JSON and CSV) and it is valid', async () => {
  const validate = schemaValidator();
  const { context, page } = await h.newSession(browser, 'beheerder');
  try {
    await r.navigate(page, 'Publicatie');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Publicatie');
    const intro = await page.locator('main > p').first().innerText();
    const count = Number(intro.match(/Nu: (\d+) registratie/)?.[1]);
    assert.ok(count > 0, `the page says how many registrations are public: ${intro}`);
    const exportSection = page.getByRole('region', { name: 'Exporteren voor het Algoritmeregister' });

    // JSON: a list of AlgorithmIn bodies, each valid against the standard's schema.
    const json = await download(page, exportSection, 'JSON (lijst van AlgorithmIn)');
    assert.match(json.name, /^algoritmeregister-gm9999-\d{4}-\d{2}-\d{2}\.json$/);
    const entries = JSON.parse(json.bytes.toString('utf8'));
    assert.ok(Array.isArray(entries), 'the JSON export is a list');
    assert.equal(entries.length, count, 'one entry per public registration');
    for (const entry of entries) {
      const ok = validate(entry);
      assert.ok(ok, `"${entry.name}" is not valid AlgorithmIn 1.0:\n${JSON.stringify(validate.errors, null, 2)}`);
      assert.equal(entry.organization, 'Gemeente Demodam');
      assert.equal(entry.standard_version, '1.0');
    }
    const names = entries.map((e) => e.name);
    for (const demo of ['Waarderen WOZ-objecten', 'GitHub Copilot', 'ChatGPT Team']) {
      assert.ok(names.includes(demo), `the published demo registration ${demo} is exported`);
    }
    assert.ok(!names.includes('Chatbot Gemeentelijke Dienstverlening'), 'a registration under review is not exported');

    // CSV: BOM, the register's header, one row per entry with the same names.
    const csv = await download(page, exportSection, 'CSV (kolommen en opmaak van het register)');
    assert.match(csv.name, /^algoritmeregister-gm9999-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with the UTF-8 BOM');
    const rows = parseCsv(csv.bytes.subarray(3).toString('utf8')).filter((row) => row.some((f) => f !== ''));
    assert.deepEqual(rows[0], CSV_HEADER, 'the header row is the register\'s');
    assert.equal(rows.length - 1, entries.length, 'one CSV row per JSON entry');
    for (const row of rows.slice(1)) assert.equal(row.length, CSV_HEADER.length, `every row has ${CSV_HEADER.length} columns`);
    assert.deepEqual(rows.slice(1).map((row) => row[0]).sort(), [...names].sort(), 'the same registrations');
  } finally {
    await context.close();
  }
});
