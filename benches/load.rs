//! Load benchmark (a script, not a test): 10,000 applications in one organisation, the release binary
//! (`airegister serve`) as its own process, and 32 and then 128 concurrent clients requesting
//!   - the register's first page, with a status filter, with a search and a filter, and a broad search,
//!   - an application's page (a different registration each time),
//!   - the allowed-tools page,
//!   - the public register (page 1 and a search),
//!   - as a CISO: a registration's edit step "Verantwoordelijken" (five RASCI person fields, which once
//!     listed every member of the organisation each),
//!   - as a CISO: the dashboard ("Overzicht": counts over the whole register and the AI-literacy figures of
//!     every member per department and role) and the AI-literacy coverage per role and tool.
//!
//! For each: requests per second, p50/p95/p99, errors, the server's resident memory (peak while measuring,
//! sampled from /proc), how the CPU time was shared between the server, PostgreSQL and the load generator
//! (this process, on the same cores), and the database's own ceiling for that page: pgbench replaying the
//! statements one request ran, at the same concurrency (benches/probe.rs), with the ratio app ÷ probe and the
//! CPU time per transaction of PostgreSQL and of pgbench under the probe (beside PostgreSQL's per request under
//! the application, it shows how much of the gap is the database doing more for the application). Run with
//! `cargo bench --bench load`; DATABASE_URL or a private cluster, as the tests (the probe needs the private
//! cluster's log). Options by environment: LOAD_APPLICATIONS (10000), LOAD_SECONDS (15), LOAD_CLIENTS
//! ("32,128"), LOAD_ONLY (run only the scenarios whose name contains this), LOAD_PROBE=0 (no probe),
//! LOAD_PLAIN_INDEX=1 (afterwards, the search scenarios again with the plain text index a database without
//! btree_gin has: migration 0041), LOAD_BEFORE=/path/to/airegister (an earlier build, started beside this one on
//! the same database: every scenario runs on both in turn, so before and after are measured in one run).
//! LOAD_MEMBERS (1000) member accounts in the organisation, each registration owned by one of them.
//! LOAD_REPEAT=n runs each scenario n times (with LOAD_BEFORE in alternating order) and shows the median run.
//! LOAD_ACCEPT_ENCODING=br (or gzip) adds clients that ask for compressed answers as a browser does (with
//! `Sec-Fetch-Site: same-origin`), measured beside the plain ones on the same server, to show what compressing
//! costs; every row shows the bytes per answer as sent.
//! Target on 2 cores: p95 under 50 ms at 32 clients, memory under 200 MB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
mod probe;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use airegister::auth::roles::Role;
use airegister::auth::{password, users};
use uuid::Uuid;

const WARM_UP: Duration = Duration::from_secs(3);

/// Realistic variety: tool names, providers, departments, matrix answers, states and risk levels; half of
/// the approved ones are marked for publication.
const LOAD_SQL: &str = include_str!("load.sql");
/// Member accounts, each registration's owner and Accountable one of them.
const PEOPLE_SQL: &str = include_str!("people.sql");
/// The members' departments, a training required of every medewerker and how they stand for it.
const LITERACY_SQL: &str = include_str!("literacy.sql");
/// A published AI policy that about seven in ten members acknowledged.
const POLICY_SQL: &str = include_str!("policy.sql");

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// The sum of two of the clock-tick fields of /proc/<pid>/stat (numbered after the command name, which is in
/// parentheses and may hold spaces).
fn stat_ticks(pid: &str, fields: [usize; 2]) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0 };
    let rest: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    fields.iter().map(|&i| rest.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)).sum()
}

/// CPU time (user + system, in clock ticks) of one process.
fn cpu_ticks(pid: &str) -> u64 {
    stat_ticks(pid, [11, 12])
}

/// CPU ticks so far of every PostgreSQL process, with the children each has waited for: a backend's time would
/// leave /proc with it (pgbench's connections end with pgbench, a parallel worker with its statement), and the
/// postmaster's children's times keep it.
fn postgres_ticks() -> u64 {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
                .filter(|p| std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.trim() == "postgres"))
                .map(|p| cpu_ticks(&p) + children_ticks(&p))
                .sum()
        })
        .unwrap_or(0)
}

/// CPU ticks so far of the finished children a process has waited for (cutime and cstime): for this process,
/// pgbench.
fn children_ticks(pid: &str) -> u64 {
    stat_ticks(pid, [13, 14])
}

/// CPU ticks so far of the server, of every PostgreSQL process and of this process (the load generator).
fn cpu_split(server: u32) -> [u64; 3] {
    [cpu_ticks(&server.to_string()), postgres_ticks(), cpu_ticks("self")]
}

struct Outcome {
    /// Body bytes per answer, as sent (compressed when asked for).
    bytes_per_answer: usize,
    /// Shares of the CPU used while measuring: server, PostgreSQL, load generator (percent of their sum).
    cpu: [f64; 3],
    /// CPU time per request of the server and of PostgreSQL, in ms: less sensitive than req/s to what else
    /// the machine's host is doing, so before and after compare better across runs.
    cpu_ms: [f64; 2],
    requests: usize,
    errors: usize,
    secs: f64,
    p50: Duration,
    p95: Duration,
    p99: Duration,
    peak_rss_mib: f64,
}

/// `paths` are taken in turn (each client starts at another offset).
async fn run(clients: &[reqwest::Client], base: &str, paths: Arc<Vec<String>>, measure: Duration, pid: u32) -> Outcome {
    let mut outcome = None;
    for (phase, length) in [("warm-up", WARM_UP), ("measure", measure)] {
        let start = Instant::now();
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicUsize::new(0));
        let sampler = {
            let (stop, peak) = (stop.clone(), peak.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(pid, "VmRSS:") as usize, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
        };
        let cpu_before = cpu_split(pid);
        let mut tasks = Vec::new();
        for (n, c) in clients.iter().enumerate() {
            let (c, base, paths) = (c.clone(), base.to_string(), paths.clone());
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut bytes = 0usize;
                let mut i = n * 7;
                while start.elapsed() < length {
                    let url = format!("{base}{}", paths[i % paths.len()]);
                    i += 1;
                    let t = Instant::now();
                    match c.get(&url).send().await {
                        Ok(r) if r.status() == 200 => {
                            bytes += r.bytes().await.map_or(0, |b| b.len());
                            latencies.push(t.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors, bytes)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        let mut bytes = 0;
        for t in tasks {
            let (l, e, b) = t.await.unwrap();
            all.extend(l);
            errors += e;
            bytes += b;
        }
        let cpu_after = cpu_split(pid);
        let used: Vec<f64> = (0..3).map(|i| cpu_after[i].saturating_sub(cpu_before[i]) as f64).collect();
        let sum = used.iter().sum::<f64>().max(1.0);
        stop.store(true, Ordering::Relaxed);
        sampler.await.unwrap();
        if phase == "measure" {
            all.sort();
            outcome = Some(Outcome {
                cpu: [used[0] * 100.0 / sum, used[1] * 100.0 / sum, used[2] * 100.0 / sum],
                // /proc counts in clock ticks of 1/100 s (USER_HZ on Linux).
                cpu_ms: [0, 1].map(|i| used[i] * 10.0 / all.len().max(1) as f64),
                requests: all.len(),
                bytes_per_answer: bytes / all.len().max(1),
                errors,
                secs: start.elapsed().as_secs_f64(),
                p50: percentile(&all, 0.50),
                p95: percentile(&all, 0.95),
                p99: percentile(&all, 0.99),
                peak_rss_mib: peak.load(Ordering::Relaxed) as f64 / 1024.0,
            });
        }
    }
    outcome.unwrap()
}

#[tokio::main]
async fn main() {
    let applications: i64 = env_or("LOAD_APPLICATIONS", 10_000);
    let measure = Duration::from_secs(env_or("LOAD_SECONDS", 15));
    let concurrency: Vec<usize> = std::env::var("LOAD_CLIENTS")
        .unwrap_or_else(|_| "32,128".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let max_clients = concurrency.iter().copied().max().unwrap_or(32);
    // reqwest is built without a TLS crypto provider (the application installs ring before its first client).
    let _ = rustls::crypto::ring::default_provider().install_default();

    // With LOAD_BEFORE the earlier build creates the schema: it refuses a database that this build's newer
    // migrations reached; this build applies them when it starts, after the earlier one.
    let before_bin = std::env::var("LOAD_BEFORE").ok().filter(|b| !b.is_empty());
    let pool = match &before_bin {
        None => helpers::fresh_database().await,
        Some(binary) => {
            let pool = helpers::empty_database().await;
            let status = std::process::Command::new(binary)
                .arg("migrate")
                .env("DATABASE_URL", helpers::database_url(&pool).await)
                .status()
                .expect("the earlier build runs");
            assert!(status.success(), "the earlier build migrates the database");
            pool
        }
    };
    let mut conn = pool.acquire().await.unwrap();
    let org = airegister::organisations::create(
        &mut conn,
        &airegister::organisations::NewOrg {
            name: "Gemeente Benchdam".into(),
            code: "gm0999".into(),
            contact_email: "algoritmes@benchdam.example".into(),
        },
    )
    .await
    .unwrap();
    drop(conn);
    let t = Instant::now();
    sqlx::query(LOAD_SQL).bind(org).bind(applications).execute(&pool).await.unwrap();
    // Member accounts (LOAD_MEMBERS, 1,000): a page that read every member of the organisation grew with it.
    let members: i32 = env_or("LOAD_MEMBERS", 1_000).max(1);
    // Without touching the registrations' last change: the trigger would give them all one `updated_at`.
    sqlx::raw_sql("alter table application disable trigger application_updated_at").execute(&pool).await.unwrap();
    sqlx::query(PEOPLE_SQL).bind(org).bind(members).execute(&pool).await.unwrap();
    sqlx::raw_sql("alter table application enable trigger application_updated_at").execute(&pool).await.unwrap();
    sqlx::query(LITERACY_SQL).bind(org).execute(&pool).await.unwrap();
    sqlx::query(POLICY_SQL).bind(org).execute(&pool).await.unwrap();
    // Conditions of approval for a share of the approved tools (the allowed-tools page shows them).
    sqlx::query(
        "insert into review_decision (decision_id, application_id, decision, note, decided_at)
         select gen_random_uuid(), application_id, 'goedgekeurd_onder_voorwaarden',
                'Alleen met openbare informatie; controleer de uitkomst.', now()
           from application where workflow_status in ('goedgekeurd', 'in_gebruik') and random() < 0.3",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("vacuum analyze").execute(&pool).await.unwrap();
    // Write the load out now, so a checkpoint does not land in the middle of a measurement.
    sqlx::query("checkpoint").execute(&pool).await.unwrap();
    let hash = password::hash(helpers::PASSWORD).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..max_clients {
        let id = users::create_user(&mut tx, &format!("bench{i}@benchdam.example"), &format!("Bench {i}"), Some(&hash))
            .await
            .unwrap();
        users::set_roles(&mut tx, id, org, &[Role::Medewerker]).await.unwrap();
        // The dashboard's users: a CISO each (its own login: the other pages stay those of a medewerker).
        let id = users::create_user(
            &mut tx,
            &format!("bench{i}-ciso@benchdam.example"),
            &format!("Bench CISO {i}"),
            Some(&hash),
        )
        .await
        .unwrap();
        users::set_roles(&mut tx, id, org, &[Role::Medewerker, Role::Ciso]).await.unwrap();
    }
    tx.commit().await.unwrap();
    // Each bench medewerker has work of their own, as an employee does: eight registrations they created and own,
    // submitted unless still a draft, in the states the register has (the home page's tasks and "Mijn
    // registraties"; without these the home page measured someone with nothing to do).
    sqlx::query(
        "with mine as (select application_id, row_number() over (order by application_id) - 1 as k
                         from application where organisation_id = $1),
              bench as (select user_id, row_number() over (order by email) - 1 as j from app_user
                         where email ~ '^bench[0-9]+@benchdam[.]example$')
         update application a set created_by = b.user_id, owner_id = b.user_id,
                submitted_by = case when a.workflow_status <> 'concept' then b.user_id end
           from mine m join bench b on b.j = m.k % $2
          where a.application_id = m.application_id and m.k < 8 * $2",
    )
    .bind(org)
    .bind(max_clients as i64)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("analyze application").execute(&pool).await.unwrap();
    println!(
        "Loaded {applications} applications, {members} members and {} users in {:.1} s",
        2 * max_clients,
        t.elapsed().as_secs_f64()
    );

    let ids: Vec<Uuid> = sqlx::query_scalar("select application_id from application order by random() limit 500")
        .fetch_all(&pool)
        .await
        .unwrap();
    // 128 clients log in from one address: lift the per-address login limit for the benchmark only.
    let url = helpers::database_url(&pool).await;
    let server_env = [("AIREGISTER_LOG", "warn"), ("AIREGISTER_LOGIN_RATE", "100000")];
    // An earlier build on the same data, measured in turn with this one (its own clients: cookies do not
    // tell ports apart). It starts first: it would refuse a database that this build's newer migrations reached.
    let before = before_bin.map(|binary| helpers::ServerProcess::start_binary(&binary, &url, &server_env));
    let server = helpers::ServerProcess::start(&url, &server_env);
    if before.is_some() {
        // This build's migrations may have rewritten tables: clean and write out again before measuring.
        sqlx::query("vacuum analyze").execute(&pool).await.unwrap();
        sqlx::query("checkpoint").execute(&pool).await.unwrap();
    }
    let (base, pid) = (server.base.clone(), server.child.id());
    let idle_rss = rss_kib(pid, "VmRSS:") as f64 / 1024.0;
    let mut targets = vec![Target::log_in("", base, pid, max_clients, None).await];
    // Compressed answers from the same server, measured in turn with the plain ones (the last row stays the
    // plain one, with the probe).
    let accept = std::env::var("LOAD_ACCEPT_ENCODING").ok().filter(|a| !a.is_empty());
    if let Some(a) = &accept {
        let label: &'static str = Box::leak(format!(" (Accept-Encoding: {a})").into_boxed_str());
        let base = targets[0].base.clone();
        targets.insert(0, Target::log_in(label, base, pid, max_clients, Some(a)).await);
    }
    if let Some(b) = &before {
        targets.insert(0, Target::log_in(" (before)", b.base.clone(), b.child.id(), max_clients, None).await);
        let last = targets.len() - 1;
        targets[last].label = " (after)";
    }
    let scenarios: Vec<(&str, Vec<String>)> = vec![
        // Where everyone lands after logging in: their tasks and their own registrations.
        ("Home page", vec!["/".into()]),
        ("Register: first page", vec!["/register".into()]),
        ("Register: status filter", vec!["/register?status=in_gebruik".into()]),
        ("Register: search + filter", vec!["/register?q=copilot&status=in_gebruik".into()]),
        ("Register: broad search", vec!["/register?q=chatbot&risico=hoog".into()]),
        ("Application page", ids.iter().map(|id| format!("/register/{id}")).collect()),
        (
            "Edit step: RASCI people (CISO)",
            ids.iter().take(50).map(|id| format!("/register/{id}/bewerken/verantwoordelijken")).collect(),
        ),
        ("Allowed tools", vec!["/toegestane-tools".into()]),
        ("Public register", vec!["/openbaar/gm0999".into(), "/openbaar/gm0999?q=vertaaldienst".into()]),
        ("Dashboard (CISO)", vec!["/overzicht".into()]),
        ("AI-literacy coverage (CISO)", vec!["/ai-geletterdheid/dekking".into()]),
    ];
    // LOAD_ONLY=word keeps the scenarios whose name contains it (for profiling one page).
    let only = std::env::var("LOAD_ONLY").unwrap_or_default();
    let scenarios: Vec<_> = scenarios.into_iter().filter(|(name, _)| name.contains(only.as_str())).collect();
    println!(
        "Server pid {pid}, idle RSS {idle_rss:.1} MiB; {} s per scenario after {} s warm-up; machine: {} cores",
        measure.as_secs(),
        WARM_UP.as_secs(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    let current = targets.last().unwrap();
    let probes = if env_or("LOAD_PROBE", 1) == 1 { capture_all(&pool, current, &scenarios).await } else { Vec::new() };
    measure_all(&targets, &scenarios, &concurrency, measure, &probes, &url).await;
    if env_or("LOAD_PLAIN_INDEX", 0) == 1 {
        // The fallback of migration 0041: the plain text index, filters applied after it.
        sqlx::raw_sql(
            "drop index if exists application_search_filtered_idx;
             create index if not exists application_search_vector_idx on application_search using gin (search);
             analyze application_search",
        )
        .execute(&pool)
        .await
        .unwrap();
        println!("\nWith the plain text index (no btree_gin):");
        let search: Vec<_> = scenarios.iter().filter(|(n, _)| n.starts_with("Register")).cloned().collect();
        let current = targets.last().unwrap();
        let probes = if probes.is_empty() { probes } else { capture_all(&pool, current, &search).await };
        measure_all(&targets, &search, &concurrency, measure, &probes, &url).await;
    }
    for t in &targets {
        println!(
            "Server{} peak RSS over the whole run (VmHWM): {:.0} MiB",
            t.label,
            rss_kib(t.pid, "VmHWM:") as f64 / 1024.0
        );
    }
    server.signal("-TERM");
    if let Some(b) = before {
        b.signal("-TERM");
    }
}

/// The scenarios measured with the CISO clients end in this.
const AS_CISO: &str = "(CISO)";

/// A server under measurement: its logged-in clients (medewerkers, and CISOs for the dashboard), address and
/// process.
struct Target {
    label: &'static str,
    clients: Vec<reqwest::Client>,
    cisos: Vec<reqwest::Client>,
    base: String,
    pid: u32,
}

impl Target {
    async fn log_in(label: &'static str, base: String, pid: u32, n: usize, accept: Option<&str>) -> Target {
        let clients = log_in(&base, n, "", accept).await;
        let cisos = log_in(&base, n, "-ciso", accept).await;
        Target { label, clients, cisos, base, pid }
    }

    /// The clients a scenario runs with.
    fn clients_for(&self, scenario: &str) -> &[reqwest::Client] {
        if scenario.ends_with(AS_CISO) { &self.cisos } else { &self.clients }
    }
}

/// `n` bench users (`bench{i}{suffix}`), each logged in with its own cookie store; with `accept`, asking for
/// compressed answers.
async fn log_in(base: &str, n: usize, suffix: &str, accept: Option<&str>) -> Vec<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(a) = accept {
        headers.insert("accept-encoding", a.parse().unwrap());
        headers.insert("sec-fetch-site", "same-origin".parse().unwrap());
    }
    let mut clients = Vec::new();
    for i in 0..n {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers.clone())
            .build()
            .unwrap();
        let r = c
            .post(format!("{base}/inloggen"))
            .form(&[
                ("email", format!("bench{i}{suffix}@benchdam.example")),
                ("password", helpers::PASSWORD.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "bench user {i}{suffix} logs in");
        clients.push(c);
    }
    clients
}

/// The requests captured per page for its probe (each replayed as one of pgbench's scripts, picked at random).
const PROBE_REQUESTS: usize = 12;

/// One request of each path of each scenario with the statement log on (the first `PROBE_REQUESTS` paths of a
/// scenario).
async fn capture_all(
    pool: &sqlx::PgPool,
    target: &Target,
    scenarios: &[(&str, Vec<String>)],
) -> Vec<Result<Vec<probe::Capture>, String>> {
    let mut all = Vec::new();
    for (name, paths) in scenarios {
        let (client, base) = (&target.clients_for(name)[0], &target.base);
        let mut captures = Vec::new();
        let mut failed = None;
        // Several of the page's paths, not one: the application page asks 500 registrations in turn, and one
        // registration (one that could not be submitted, say) left out statements others run.
        for path in paths.iter().take(PROBE_REQUESTS) {
            let url = format!("{base}{path}");
            match probe::capture(pool, async {
                let _ = client.get(&url).send().await.unwrap().bytes().await;
            })
            .await
            {
                Ok(c) => captures.push(c),
                Err(e) => failed = Some(e),
            }
        }
        all.push(match failed {
            Some(e) => Err(e),
            None => Ok(captures),
        });
    }
    if let Some(Err(e)) = all.first() {
        println!("Probe skipped: {e}");
    }
    all
}

/// Every scenario at every concurrency on each target, LOAD_REPEAT times (1): with two targets (LOAD_BEFORE) the
/// order alternates (before, after, after, before, …) so that neither gains from running second, and each
/// target's row is its median run by req/s. The probe runs once, for the current build's row.
async fn measure_all(
    targets: &[Target],
    scenarios: &[(&str, Vec<String>)],
    concurrency: &[usize],
    measure: Duration,
    probes: &[Result<Vec<probe::Capture>, String>],
    database_url: &str,
) {
    let repeat: usize = env_or("LOAD_REPEAT", 1).max(1);
    println!(
        "| Page | clients | req/s | p50 | p95 | p99 | errors | peak RSS | CPU server/PostgreSQL/load | CPU per request server + PostgreSQL | bytes per answer | statements | probe tx/s · CPU per transaction PostgreSQL + pgbench | app ÷ probe |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for n in concurrency {
        for (i, (name, paths)) in scenarios.iter().enumerate() {
            let mut runs: Vec<Vec<Outcome>> = targets.iter().map(|_| Vec::new()).collect();
            for r in 0..repeat {
                let order: Vec<usize> =
                    if r % 2 == 0 { (0..targets.len()).collect() } else { (0..targets.len()).rev().collect() };
                for t in order {
                    let target = &targets[t];
                    runs[t].push(
                        run(
                            &target.clients_for(name)[..*n],
                            &target.base,
                            Arc::new(paths.clone()),
                            measure,
                            target.pid,
                        )
                        .await,
                    );
                }
            }
            for (t, target) in targets.iter().enumerate() {
                let mut outcomes = std::mem::take(&mut runs[t]);
                outcomes.sort_by(|a, b| (a.requests as f64 / a.secs).total_cmp(&(b.requests as f64 / b.secs)));
                let o = outcomes.swap_remove(outcomes.len() / 2);
                let current = t + 1 == targets.len();
                let probe = match probes.get(i) {
                    Some(Ok(captures)) if current => {
                        let counts = captures.iter().map(|c| c.statements.len());
                        let (least, most) = (counts.clone().min().unwrap_or(0), counts.max().unwrap_or(0));
                        let counts = if least == most { least.to_string() } else { format!("{least}–{most}") };
                        // PostgreSQL's and pgbench's CPU per transaction, beside the application's per request.
                        let ticks = [postgres_ticks(), children_ticks("self")];
                        let replayed = probe::replay(name, captures, database_url, *n, measure.as_secs());
                        let used = [postgres_ticks() - ticks[0], children_ticks("self") - ticks[1]];
                        let replayed = replayed.map(|r| Probe {
                            tps: r.tps,
                            cpu_ms: used.map(|t| t as f64 * 10.0 / r.transactions.max(1) as f64),
                        });
                        Some((counts, replayed.map_err(|e| e.chars().take(120).collect::<String>())))
                    }
                    Some(Err(e)) if current => Some((String::new(), Err(e.clone()))),
                    _ => current.then(|| (String::new(), Err("off".to_string()))),
                };
                let label = match (repeat, target.label.trim()) {
                    (1, _) => target.label.to_string(),
                    (_, "") => format!(" (median of {repeat})"),
                    (_, l) => format!(" ({}, median of {repeat})", l.trim_matches(['(', ')'])),
                };
                print_row(name, &label, *n, &o, probe);
            }
        }
    }
}

/// The probe's throughput and the CPU time per transaction of PostgreSQL and of pgbench, in ms.
struct Probe {
    tps: f64,
    cpu_ms: [f64; 2],
}

/// One row of the table: the run and, for the current build, its statements and probe.
fn print_row(name: &str, label: &str, n: usize, o: &Outcome, probe: Option<(String, Result<Probe, String>)>) {
    let req_s = o.requests as f64 / o.secs;
    let (statements, probe) = probe.unwrap_or((String::new(), Err(String::new())));
    let (tps, ratio) = match probe {
        Ok(p) => {
            (format!("{:.0} · {:.2} + {:.2} ms", p.tps, p.cpu_ms[0], p.cpu_ms[1]), format!("{:.2}", req_s / p.tps))
        }
        Err(e) => (e, String::new()),
    };
    println!(
        "| {name}{label} | {n} | {req_s:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {} | {:.0} MiB | {:.0}/{:.0}/{:.0} % | {:.2} + {:.2} ms | {} | {statements} | {tps} | {ratio} |",
        o.p50.as_secs_f64() * 1000.0,
        o.p95.as_secs_f64() * 1000.0,
        o.p99.as_secs_f64() * 1000.0,
        o.errors,
        o.peak_rss_mib,
        o.cpu[0],
        o.cpu[1],
        o.cpu[2],
        o.cpu_ms[0],
        o.cpu_ms[1],
        o.bytes_per_answer
    );
}
