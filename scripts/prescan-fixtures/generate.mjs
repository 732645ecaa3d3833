// Evaluates Pre-scan DPIA answer sets with the government's own code and writes the verdicts as a test fixture.
//
//   npm ci && node generate.mjs /path/to/par-dpia-form [../../tests/fixtures/prescan-official.json]
//
// The code of MinBZK/par-dpia-form (EUPL-1.2) is read from the checkout given, never copied into this repository:
// esbuild bundles its stores (packages/assessment-core/src/stores/calculations.ts and what they import) against the
// npm packages pinned in package.json, into a temporary file that is run and thrown away. The answer sets come
// from our reference/assessments/prescan.yaml: every option of every question on its own, then seeded random
// sets, each filled in as a person would (only shown questions get an answer, yes/no answers stored as the
// form's radio buttons store them: the texts "true" / "false").
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'
import yaml from 'js-yaml'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../..')
const checkout = process.argv[2]
const out = resolve(process.argv[3] ?? join(repo, 'tests/fixtures/prescan-official.json'))
if (!checkout) {
  console.error('gebruik: node generate.mjs PAD-NAAR-par-dpia-form [UITVOERBESTAND]')
  process.exit(2)
}
const RANDOM_SETS = 600
const SEED = 20261202

const git = (...args) => execFileSync('git', ['-C', checkout, ...args], { encoding: 'utf8' }).trim()
const commit = git('rev-parse', 'HEAD')
const commitDate = git('show', '-s', '--format=%cI', 'HEAD')
const core = join(checkout, 'packages/assessment-core/src')

// Bundle the official stores with our pinned dependencies.
const entry = `
export { useCalculationStore } from ${JSON.stringify(join(core, 'stores/calculations.ts'))}
export { useAnswerStore } from ${JSON.stringify(join(core, 'stores/answers.ts'))}
export { useTaskStore } from ${JSON.stringify(join(core, 'stores/tasks.ts'))}
export { useSchemaStore } from ${JSON.stringify(join(core, 'stores/schemas.ts'))}
export { shouldShowTask } from ${JSON.stringify(join(core, 'utils/dependency.ts'))}
export { FormType } from ${JSON.stringify(join(core, 'models/dpia.ts'))}
export { createPinia, setActivePinia } from 'pinia'
`
const dir = mkdtempSync(join(tmpdir(), 'prescan-fixtures-'))
const bundle = join(dir, 'official.mjs')
await esbuild.build({
  stdin: { contents: entry, resolveDir: here, loader: 'ts' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile: bundle,
  nodePaths: [join(here, 'node_modules')],
  logLevel: 'error',
})
const official = await import(pathToFileURL(bundle).href)
rmSync(dir, { recursive: true, force: true })

const yamlText = readFileSync(join(repo, 'reference/assessments/prescan.yaml'), 'utf8')
const schema = yaml.load(yamlText)
const sourceYaml = readFileSync(join(checkout, 'sources/prescan.yaml'), 'utf8')
if (sourceYaml !== yamlText) {
  console.error('let op: reference/assessments/prescan.yaml verschilt van sources/prescan.yaml in de checkout')
  process.exit(1)
}

// Silence the stores' progress messages; keep their errors visible.
console.log = () => {}

// The questions in order, with their parents (for visibility).
const questions = []
const walk = (tasks, parents) => {
  for (const t of tasks) {
    const kinds = t.type ?? []
    if (!(kinds.includes('task_group') || (t.tasks ?? []).length)) questions.push({ task: t, parents })
    walk(t.tasks ?? [], [...parents, t.id])
  }
}
walk(schema.tasks, [])
const choice = (q) => ['radio_option', 'select_option', 'checkbox_option', 'multiselect_scrollable'].find((k) => (q.type ?? []).includes(k))

// mulberry32: a small seeded generator, so the fixture is the same on every run.
let state = SEED
const random = () => {
  state = (state + 0x6d2b79f5) | 0
  let t = Math.imul(state ^ (state >>> 15), 1 | state)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (list) => list[Math.floor(random() * list.length)]

// What the form stores for an option: radio buttons and selects keep the input's text value.
const stored = (v) => String(v)

/** Fill in one answer set with the official stores: `decide(question)` gives a value or undefined (skip). */
function fill(decide) {
  official.setActivePinia(official.createPinia())
  const schemaStore = official.useSchemaStore()
  const taskStore = official.useTaskStore()
  const answerStore = official.useAnswerStore()
  taskStore.setActiveNamespace(official.FormType.PRE_SCAN)
  answerStore.setActiveNamespace(official.FormType.PRE_SCAN)
  const copy = JSON.parse(JSON.stringify(schema))
  schemaStore.init({ preScan: copy, dpia: { ...copy, tasks: [] }, iama: { ...copy, tasks: [] } })
  taskStore.init(JSON.parse(JSON.stringify(schema.tasks)), true)
  const shown = (id) => official.shouldShowTask(id, id, taskStore, answerStore)
  const answers = {}
  for (const { task, parents } of questions) {
    if (![...parents, task.id].every(shown)) continue
    const v = decide(task)
    if (v === undefined) continue
    answers[task.id] = v
    answerStore.setAnswer(task.id, Array.isArray(v) ? v.map(stored) : stored(v))
  }
  return { answers, stores: { answerStore, taskStore } }
}

async function verdicts() {
  const calc = official.useCalculationStore()
  calc.init()
  // init() starts a calculation without waiting for it; let it finish, then run one we wait for.
  await new Promise((r) => setTimeout(r, 0))
  await calc.runCalculations()
  if (calc.calculationErrors.length) throw new Error(calc.calculationErrors.join('; '))
  return {
    scores: { ...calc.calculatedScores },
    verdicts: calc.assessmentResults.map((r) => ({
      assessment: r.id,
      level: r.level,
      result: r.result,
      criteria: (r.criteria ?? []).map((c) => c.id),
    })),
  }
}

// In "score" sets the direct grounds for a DPIA (new legislation, the AP list, two EDPB items) are left out, so
// that the risk-score sum decides: that is where the scores' weights matter.
function randomAnswer(q, skip, density, scoreOnly) {
  if (scoreOnly && q.id === '0.1') return false
  if (scoreOnly && q.id === '3.1') return []
  if (scoreOnly && q.id === '4.1') return random() < 0.5 ? [] : [pick(q.options).value]
  if (random() < skip) return undefined
  const opts = (q.options ?? []).map((o) => o.value)
  switch (choice(q)) {
    case 'radio_option':
    case 'select_option':
      return opts.length ? pick(opts) : undefined
    case 'checkbox_option':
    case 'multiselect_scrollable': {
      // Sometimes none, sometimes all, otherwise each option with one chance in three.
      const r = random()
      if (r < 0.15) return []
      if (r < 0.2) return opts
      return opts.filter(() => random() < density)
    }
    default:
      return (q.type ?? []).some((k) => ['open_text', 'text_input'].includes(k)) && random() < 0.3 ? 'Toelichting' : undefined
  }
}

const sets = []
const add = async (name, decide) => {
  const { answers } = fill(decide)
  sets.push({ name, answers, official: await verdicts() })
}

// 1. Coverage: each option of each choice question chosen on its own, with every question before it answered "yes"
//    (first option), so that the question is shown.
for (const { task } of questions) {
  const kind = choice(task)
  if (!kind) continue
  for (const o of task.options ?? []) {
    await add(`${task.id}=${o.value}`, (q) => {
      if (q.id === task.id) return kind === 'checkbox_option' || kind === 'multiselect_scrollable' ? [o.value] : o.value
      if (!choice(q)) return undefined
      const first = (q.options ?? [])[0]?.value
      return first === undefined ? undefined : choice(q).includes('checkbox') || choice(q).includes('multi') ? [] : first
    })
  }
}
// 2. Random sets: a third with questions left open, the rest complete; half of them "score" sets.
for (let i = 0; i < RANDOM_SETS; i++) {
  const skip = i % 3 === 0 ? 0.3 : 0
  const density = [0.1, 0.2, 0.35, 0.6][i % 4]
  const scoreOnly = i % 2 === 1
  await add(`random-${i + 1}`, (q) => randomAnswer(q, skip, density, scoreOnly))
}

const fixture = {
  about:
    'Pre-scan DPIA answer sets with the verdicts of the government tool (MinBZK/par-dpia-form, EUPL-1.2), evaluated by its own code (packages/assessment-core/src/stores/calculations.ts, tasks.ts, utils/dependency.ts with jexl). Written by scripts/prescan-fixtures/generate.mjs; do not edit by hand.',
  source: { repository: 'https://github.com/MinBZK/par-dpia-form', commit, date: commitDate },
  jexl: JSON.parse(readFileSync(join(here, 'node_modules/jexl/package.json'), 'utf8')).version,
  seed: SEED,
  sets,
}
// One answer set a line: readable diffs when the official code or the question set changes.
const head = JSON.stringify({ ...fixture, sets: [] }, null, 1).replace(/"sets": \[\]\n}$/, '"sets": [\n')
writeFileSync(out, head + sets.map((s) => JSON.stringify(s)).join(',\n') + '\n ]\n}\n')
console.error(`${sets.length} antwoordsets geschreven naar ${out} (par-dpia-form ${commit})`)
