//! Benchmark of the register list page: 10,000 applications in one organisation, the page requested with a
//! full-text search and a filter by 32 concurrent logged-in clients. Prints p50/p95/p99 and requests per
//! second. Run with `cargo bench --bench register_list` (DATABASE_URL or a private cluster, as the tests).
//! A figure, not a pass/fail test: the target is p95 < 50 ms on a 2-core machine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::time::{Duration, Instant};

use airegister::auth::roles::Role;
use airegister::config::WebConfig;
use helpers::TestApp;

const APPLICATIONS: i64 = 10_000;
const CLIENTS: usize = 32;
const WARM_UP: Duration = Duration::from_secs(3);
const MEASURE: Duration = Duration::from_secs(20);

/// Realistic variety: tool names, providers, departments, matrix answers, states and risk levels.
const LOAD_SQL: &str = "
insert into application (application_id, organisation_id, name, description_short, provider, tags, department,
    use_category, licence_type, personal_data, workflow_status, submitted_at, contact_email, publication_category,
    dc_openbaar, dc_intern, dc_persoonsgegevens, risk_level_derived, ai_act_risk_group, next_evaluation, goal,
    updated_at)
select gen_random_uuid(), $1,
    (array['ChatGPT','Copilot','Gemini','Claude','Notion AI','Descript','Midjourney','Chatbot','WOZ-model',
           'Transcriptie','Vertaaldienst','Fraudesignalering','Routeplanner','CV-screening','Agent'])[1 + i % 15]
        || ' ' || (array['Team','Pro','Burgerzaken','Belastingen','Pilot','Afdeling','Regio'])[1 + i % 7] || ' ' || i,
    (array['Samenvatten van vergaderingen en documenten voor medewerkers.',
           'Beantwoorden van vragen van inwoners via de website.',
           'Schatten van woningwaarden voor de belastingaanslag.',
           'Vertalen van brieven en formulieren naar eenvoudige taal.',
           'Selecteren van sollicitaties op geschiktheid voor een vacature.'])[1 + i % 5],
    (array['OpenAI','Microsoft','Google','Anthropic','Eigen ontwikkeling','Leverancier BV'])[1 + i % 6],
    (array['chatbot, tekst','beeld','belastingen','vertalen','werving'])[1 + i % 5],
    (array['Communicatie','Burgerzaken','Belastingen','HRM','Informatievoorziening','Sociaal domein',
           'Ruimtelijke ontwikkeling','Klantcontactcentrum'])[1 + i % 8],
    (array['interne_productiviteit','algemeen_gebruik','klantprojecten'])[1 + i % 3],
    (array['consument','organisatie'])[1 + i % 2],
    i % 4 = 0,
    (array['concept','ingediend','in_beoordeling','goedgekeurd','in_gebruik','buiten_gebruik','afgewezen'])[1 + i % 7],
    now(), 'algoritmes@gemeente.example', 'Overige algoritmes',
    'toegestaan', (array['toegestaan','onder_voorwaarden','verboden'])[1 + i % 3],
    case when i % 4 = 0 then 'toegestaan' else 'verboden' end,
    (array['laag','middel','hoog'])[1 + i % 3],
    (array['geen hoog-risico AI','hoog-risico AI','niet van toepassing'])[1 + i % 3],
    current_date + (i % 700 - 200),
    '<p>Doel en impact van toepassing ' || i || '.</p>',
    now() - make_interval(mins => i)
from generate_series(1, $2::int) as i";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

async fn run(app: &TestApp, clients: &[reqwest::Client], path: &str) {
    // Warm-up, then measure.
    for (phase, length) in [("warm-up", WARM_UP), ("measure", MEASURE)] {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for c in clients {
            let c = c.clone();
            let url = app.url(path);
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                while start.elapsed() < length {
                    let t = Instant::now();
                    match c.get(&url).send().await {
                        Ok(r) if r.status() == 200 => {
                            let _ = r.bytes().await;
                            latencies.push(t.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await.unwrap();
            all.extend(l);
            errors += e;
        }
        if phase == "measure" {
            all.sort();
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{path}\n  {} requests in {secs:.1} s = {:.0} req/s, errors {errors}; p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
                all.len(),
                all.len() as f64 / secs,
                percentile(&all, 0.50).as_secs_f64() * 1000.0,
                percentile(&all, 0.95).as_secs_f64() * 1000.0,
                percentile(&all, 0.99).as_secs_f64() * 1000.0,
            );
        }
    }
}

#[tokio::main]
async fn main() {
    let pool = helpers::fresh_database().await;
    let app = TestApp::spawn_on(pool, WebConfig::default()).await;
    let org = app.org("Gemeente Benchdam", "gm0999").await;
    let t = Instant::now();
    sqlx::query(LOAD_SQL).bind(org).bind(APPLICATIONS).execute(&app.pool).await.unwrap();
    sqlx::query("vacuum analyze application").execute(&app.pool).await.unwrap();
    println!("Loaded {APPLICATIONS} applications in {:.1} s", t.elapsed().as_secs_f64());
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let email = format!("bench{i}@benchdam.example");
        app.user(&email, org, &[Role::Medewerker]).await;
        clients.push(app.logged_in(&email).await);
    }
    println!(
        "{CLIENTS} concurrent clients, {} s per scenario after {} s warm-up",
        MEASURE.as_secs(),
        WARM_UP.as_secs()
    );
    for path in [
        "/register?q=chatbot&risico=hoog",
        "/register?q=copilot&status=in_gebruik&sorteer=naam",
        "/register?afdeling=Belastingen&persoonsgegevens=ja",
        "/register",
    ] {
        run(&app, &clients, path).await;
    }
}
