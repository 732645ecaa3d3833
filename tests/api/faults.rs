//! Faults, as scripted checks against the real binary (`airegister serve` as its own process):
//! PostgreSQL stopped under load, the server killed with SIGKILL during writes (20 times), SIGTERM with a
//! request in flight, and a backup restored with pg_dump/pg_restore keeping the audit chain valid.
//! Writes go through the REST API, so "confirmed" is exact: a 201 with the new registration's id.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use airegister::auth::roles::Role;
use airegister::db::cluster::Cluster;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    ServerProcess as Server, TestApp, database_url, fresh_database, scratch_dir, stop_when_process_ends,
};

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap()
}

async fn wait_ready(c: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = c.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            return;
        }
        assert!(Instant::now() < deadline, "{base} did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An organisation, a user and a write token in the database behind `pool`.
async fn org_and_token(pool: &sqlx::PgPool) -> String {
    let mut conn = pool.acquire().await.unwrap();
    let org = airegister::organisations::create(
        &mut conn,
        &airegister::organisations::NewOrg {
            name: "Gemeente Storingdam".into(),
            code: "gm0777".into(),
            contact_email: "ai@storingdam.example".into(),
        },
    )
    .await
    .unwrap();
    drop(conn);
    let mut tx = pool.begin().await.unwrap();
    let user = airegister::auth::users::create_user(&mut tx, "pl@storingdam.example", "Pim", None).await.unwrap();
    airegister::auth::users::set_roles(&mut tx, user, org, &[Role::Medewerker, Role::Projectleider]).await.unwrap();
    tx.commit().await.unwrap();
    airegister::api::tokens::issue(pool, user, org, "storingstest", true, 1).await.unwrap()
}

/// A draft with a RASCI entry: the registration, its RASCI row and its audit event are one transaction.
fn draft(n: usize) -> Value {
    json!({
        "fields": { "name": format!("Storingstool {n}"), "description_short": "Een concept tijdens een storing.",
                    "goal": "Testen of een bevestigde registratie een storing overleeft.", "department": "Informatievoorziening" },
        "rasci": [ { "letter": "R", "function": "Teamleider informatievoorziening" } ]
    })
}

#[derive(Default)]
struct Tally {
    confirmed: Vec<Uuid>,
    unavailable: usize,
    other_errors: Vec<String>,
    transport_errors: usize,
    slowest_failure: Duration,
}

/// Writers posting drafts until `stop` is set; every 201 is recorded as confirmed.
fn writers(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
    tally: Arc<Mutex<Tally>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n)
        .map(|w| {
            let (c, base, token, tally, stop) =
                (c.clone(), base.to_string(), token.to_string(), tally.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    let t = Instant::now();
                    let r = c
                        .post(format!("{base}/api/v1/applications"))
                        .bearer_auth(&token)
                        .json(&draft(w * 100_000 + i))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status() == 201 => {
                            let body: Value = r.json().await.unwrap();
                            let id = Uuid::parse_str(body["id"].as_str().unwrap()).unwrap();
                            tally.lock().unwrap().confirmed.push(id);
                        }
                        Ok(r) if r.status() == 503 => {
                            {
                                let mut t_ = tally.lock().unwrap();
                                t_.unavailable += 1;
                                t_.slowest_failure = t_.slowest_failure.max(t.elapsed());
                            }
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        Ok(r) => {
                            let status = r.status();
                            let text = r.text().await.unwrap_or_default();
                            tally.lock().unwrap().other_errors.push(format!("{status}: {text}"));
                        }
                        Err(_) => {
                            tally.lock().unwrap().transport_errors += 1;
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                }
            })
        })
        .collect()
}

/// Every confirmed registration is there, with its RASCI row and its audit event; and no registration
/// exists without its audit event (nothing half-written).
async fn check_nothing_lost_or_half(pool: &sqlx::PgPool, confirmed: &[Uuid]) {
    let present: Vec<Uuid> = sqlx::query_scalar(
        "select a.application_id from application a
          where a.application_id = any($1)
            and exists (select 1 from rasci_assignment r where r.application_id = a.application_id)
            and exists (select 1 from audit_event e where e.object_id = a.application_id and e.action = 'application.created')",
    )
    .bind(confirmed)
    .fetch_all(pool)
    .await
    .unwrap();
    let present: HashSet<Uuid> = present.into_iter().collect();
    let lost: Vec<&Uuid> = confirmed.iter().filter(|id| !present.contains(id)).collect();
    assert!(lost.is_empty(), "confirmed writes lost or incomplete: {lost:?}");
    let half: i64 = sqlx::query_scalar(
        "select count(*) from application a where not exists
            (select 1 from audit_event e where e.object_id = a.application_id and e.action = 'application.created')
           or not exists (select 1 from rasci_assignment r where r.application_id = a.application_id)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(half, 0, "a registration without its audit event or RASCI row");
    let v = airegister::audit::verify(pool).await.unwrap();
    assert!(v.broken.is_none(), "audit chain broken: {:?}", v.broken);
}

#[tokio::test]
async fn postgresql_stopped_under_load_gives_503_and_recovers_without_a_restart() {
    let top = scratch_dir("airegister-pgstop-");
    let cluster = Cluster::new(&top.join("pg"), None).unwrap();
    cluster.ensure_running().unwrap();
    stop_when_process_ends(&cluster, &top);
    let pool = airegister::db::pool_options(4).connect_with(cluster.connect_options()).await.unwrap();
    airegister::db::MIGRATOR.run(&pool).await.unwrap();
    let token = org_and_token(&pool).await;
    let url = format!("postgres://airegister@localhost/airegister?host={}", cluster.socket_dir().display());
    let server = Server::start(&url, &[]);
    let c = http();
    wait_ready(&c, &server.base).await;

    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let tasks = writers(&c, &server.base, &token, 6, tally.clone(), stop.clone());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before_outage = tally.lock().unwrap().confirmed.len();
    assert!(before_outage > 0, "writes succeed before the outage");

    // PostgreSQL goes away (fast shutdown: open transactions are rolled back).
    let c2 = cluster.clone();
    tokio::task::spawn_blocking(move || c2.stop()).await.unwrap().unwrap();
    let down_at = Instant::now();
    let r = c.get(format!("{}/readyz", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 503, "readiness says the database is away");
    assert_eq!(c.get(format!("{}/healthz", server.base)).send().await.unwrap().status(), 200);
    let r = c.get(format!("{}/api/v1/me", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert!(r.headers().contains_key("retry-after"));
    let web = c.get(format!("{}/inloggen", server.base)).send().await.unwrap();
    assert!(matches!(web.status().as_u16(), 200 | 503), "the login page needs no database");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during = tally.lock().unwrap().unavailable;
    assert!(during > 0, "writers got 503 while the database was down");

    // PostgreSQL comes back: the same server process recovers by itself.
    let c3 = cluster.clone();
    tokio::task::spawn_blocking(move || c3.ensure_running()).await.unwrap().unwrap();
    wait_ready(&c, &server.base).await;
    let recovered_after = down_at.elapsed();
    let count_at_recovery = tally.lock().unwrap().confirmed.len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let tally = Arc::try_unwrap(tally).ok().unwrap().into_inner().unwrap();
    assert!(tally.confirmed.len() > count_at_recovery, "writes succeed again after recovery");
    assert!(tally.other_errors.is_empty(), "only 503s during the outage, no 500s: {:?}", tally.other_errors);
    assert!(
        tally.slowest_failure < Duration::from_secs(5),
        "a write during the outage is answered quickly, not after a hang ({:?})",
        tally.slowest_failure
    );
    println!(
        "PostgreSQL stop: {} confirmed writes, {} answered 503, {} transport errors, recovered {:?} after the stop",
        tally.confirmed.len(),
        tally.unavailable,
        tally.transport_errors,
        recovered_after
    );
    check_nothing_lost_or_half(&pool, &tally.confirmed).await;
    pool.close().await;
    drop(server);
    let c4 = cluster.clone();
    tokio::task::spawn_blocking(move || c4.stop()).await.unwrap().unwrap();
}

#[tokio::test]
async fn sigkill_during_writes_twenty_times_loses_no_confirmed_write_and_leaves_nothing_half_written() {
    let pool = fresh_database().await;
    let token = org_and_token(&pool).await;
    let url = database_url(&pool).await;
    let c = http();
    let mut all_confirmed = Vec::new();
    let mut in_doubt = 0usize;
    for round in 0..20 {
        let server = Server::start(&url, &[]);
        wait_ready(&c, &server.base).await;
        let tally = Arc::new(Mutex::new(Tally::default()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let tasks = writers(&c, &server.base, &token, 4, tally.clone(), stop.clone());
        // Kill at a different moment each round, while the writers are busy.
        tokio::time::sleep(Duration::from_millis(150 + (round * 37) % 400)).await;
        server.signal("-KILL");
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in tasks {
            t.await.unwrap();
        }
        drop(server);
        let tally = Arc::try_unwrap(tally).ok().unwrap().into_inner().unwrap();
        assert!(tally.other_errors.is_empty(), "round {round}: {:?}", tally.other_errors);
        in_doubt += tally.transport_errors;
        all_confirmed.extend(tally.confirmed);
    }
    assert!(all_confirmed.len() > 20, "writes were confirmed ({})", all_confirmed.len());
    // The killed process's connections are gone; what they had not committed is rolled back.
    check_nothing_lost_or_half(&pool, &all_confirmed).await;
    let total: i64 = sqlx::query_scalar("select count(*) from application").fetch_one(&pool).await.unwrap();
    println!(
        "SIGKILL x20: {} confirmed writes all present; {} requests cut off by the kill ({} of them committed anyway)",
        all_confirmed.len(),
        in_doubt,
        total as usize - all_confirmed.len()
    );
    assert!(total as usize >= all_confirmed.len());
    assert!(total as usize <= all_confirmed.len() + in_doubt, "no write appeared that nobody sent");
}

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_and_exits_0() {
    let pool = fresh_database().await;
    let token = org_and_token(&pool).await;
    let mut server = Server::start(&database_url(&pool).await, &[]);
    let c = http();
    wait_ready(&c, &server.base).await;
    let addr = server.base.trim_start_matches("http://").to_string();

    // A request in flight: the headers and half the body are sent, then SIGTERM, then the rest.
    let body = serde_json::to_vec(&draft(1)).unwrap();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /api/v1/applications HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(head).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.signal("-TERM");
    std::thread::sleep(Duration::from_millis(500));
    // Shutting down: new connections are no longer accepted.
    assert!(
        std::net::TcpStream::connect(&addr).is_err() || c.get(format!("{}/healthz", server.base)).send().await.is_err(),
        "no new requests after SIGTERM"
    );
    stream.write_all(tail).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "the request in flight completes: {answer}");
    let status = server.wait_exit(Duration::from_secs(30));
    assert!(status.success(), "exit code 0 after SIGTERM, got {status:?}");
    let n: i64 = sqlx::query_scalar("select count(*) from application where name = 'Storingstool 1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "the write of the request in flight is stored");
}

fn pg_tool(name: &str) -> std::path::PathBuf {
    let on_path = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().unwrap();
    if on_path.status.success() {
        return String::from_utf8_lossy(&on_path.stdout).trim().into();
    }
    let mut dirs: Vec<_> =
        std::fs::read_dir("/usr/lib/postgresql").unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    dirs.sort();
    dirs.last().unwrap().join("bin").join(name)
}

/// The README's backup and restore procedure, run: pg_dump of a register with an audit trail, pg_restore
/// into a new database, the same rows and a valid audit chain, and the application serves from it.
#[tokio::test]
async fn a_backup_restored_with_pg_restore_keeps_the_data_and_a_valid_audit_chain() {
    let app = TestApp::spawn().await;
    airegister::demo::load(&app.pool, crate::helpers::PASSWORD).await.unwrap();
    let c = app.logged_in("ciso@demo.example").await;
    // Some history of our own on top of the demo: an edit through the web is an audit event.
    let token = {
        let (user, org): (Uuid, Uuid) = sqlx::query_as(
            "select u.user_id, m.organisation_id from app_user u join membership m using (user_id)
              where u.email = 'ciso@demo.example' limit 1",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        airegister::api::tokens::issue(&app.pool, user, org, "backup", true, 1).await.unwrap()
    };
    let r = c.post(app.url("/api/v1/applications")).bearer_auth(&token).json(&draft(7)).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let source_url = app.database_url().await;
    let fingerprint = |pool: sqlx::PgPool| async move {
        let mut out = Vec::new();
        for table in ["organisation", "app_user", "application", "rasci_assignment", "audit_event", "review_decision"] {
            let row: (i64, Option<String>) = sqlx::query_as(&format!(
                "select count(*), md5(string_agg(t::text, '|' order by t::text)) from {table} t"
            ))
            .fetch_one(&pool)
            .await
            .unwrap();
            out.push((table, row));
        }
        out
    };
    let before = fingerprint(app.pool.clone()).await;

    let dir = scratch_dir("airegister-backup-");
    let dump = dir.join("airegister.dump");
    let out = Command::new(pg_tool("pg_dump"))
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg("--dbname")
        .arg(&source_url)
        .output()
        .unwrap();
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));

    // Restore into a new, empty database.
    let restored = fresh_empty_database(&app.pool).await;
    let restored_url = source_url.replacen(&current_db(&app.pool).await, &restored, 1);
    let out = Command::new(pg_tool("pg_restore"))
        .args(["--exit-on-error", "--single-transaction", "--no-owner", "--dbname"])
        .arg(&restored_url)
        .arg(&dump)
        .output()
        .unwrap();
    assert!(out.status.success(), "pg_restore: {}", String::from_utf8_lossy(&out.stderr));
    let restored_pool = airegister::db::pool_options(2).connect(&restored_url).await.unwrap();
    assert_eq!(fingerprint(restored_pool.clone()).await, before, "the same rows in every table");
    let v = airegister::audit::verify(&restored_pool).await.unwrap();
    assert!(v.broken.is_none() && v.rows > 10, "audit chain valid after restore ({} rows)", v.rows);
    // The command operators run after a restore agrees.
    let out = Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &restored_url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Auditspoor intact"));
    // The application starts on the restored database and serves its pages.
    let mut server = Server::start(&restored_url, &[]);
    let http = http();
    wait_ready(&http, &server.base).await;
    let r = http.get(format!("{}/openbaar/gm9999", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    server.signal("-TERM");
    assert!(server.wait_exit(Duration::from_secs(30)).success());
    restored_pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
}

async fn current_db(pool: &sqlx::PgPool) -> String {
    sqlx::query_scalar("select current_database()").fetch_one(pool).await.unwrap()
}

/// A new database on the same server, without migrations (pg_restore brings the schema).
async fn fresh_empty_database(pool: &sqlx::PgPool) -> String {
    let name = format!("r_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("create database {name}")).execute(pool).await.unwrap();
    name
}
