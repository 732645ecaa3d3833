//! The private PostgreSQL cluster, the command line, and readiness when the database goes away.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use airegister::auth::roles::Role;
use airegister::config::WebConfig;
use airegister::db::cluster::Cluster;

use crate::helpers::{PASSWORD, TestApp, scratch_dir};

fn airegister(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_airegister"));
    cmd.env_remove("DATABASE_URL").env("AIREGISTER_DATA_DIR", data_dir).env("AIREGISTER_LOG", "warn");
    cmd
}

/// Start `serve` on a free port and wait for its address (and setup link, if printed).
fn start_serve(data_dir: &std::path::Path) -> (Child, String, Option<String>) {
    let mut child = airegister(data_dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("serve prints its address").unwrap();
    let base = first.rsplit(' ').next().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");
    let second = lines.next().and_then(|l| l.ok()).unwrap_or_default();
    let link = if second.starts_with("Eerste start") {
        lines.next().and_then(|l| l.ok()).map(|l| l.trim().to_string())
    } else {
        None
    };
    // Keep reading stdout in the background so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base, link)
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "serve did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn private_cluster_starts_keeps_its_data_across_restarts_and_stops() {
    // reqwest is built without a crypto provider; other tests install it, but this one must not depend on order.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let top = scratch_dir("airegister-cluster-");
    let data = top.join("pg");

    // First start: initdb, migrations, a setup link.
    let (mut child, base, link) = start_serve(&data);
    let link = link.expect("first start prints a setup link");
    assert!(data.join("PG_VERSION").exists(), "initdb ran into --data-dir");
    let conf = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
    assert!(conf.contains("listen_addresses = ''"), "Unix socket only");
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    assert_eq!(http.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
    let r = http
        .post(&link)
        .form(&[
            ("org_name", "Gemeente Test"),
            ("org_code", "gm9999"),
            ("org_email", "ai@test.nl"),
            ("name", "Eerste Beheerder"),
            ("email", "beheer@test.nl"),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // A CLI command while serve runs connects to the running cluster and leaves it running.
    let mut add = airegister(&data)
        .args(["user", "add", "--email", "ciso@test.nl", "--name", "C. Iso", "--role", "ciso,medewerker"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = http
        .post(format!("{base}/inloggen"))
        .form(&[("email", "ciso@test.nl"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(c.status(), 303, "user added by the CLI can log in to the running server");

    // SIGTERM: clean exit, and the cluster is stopped.
    assert!(terminate(&mut child).success(), "exit code 0 after SIGTERM");
    assert!(!data.join("postmaster.pid").exists(), "PostgreSQL was stopped");

    // Second start: same data, no new setup link, the administrator can log in.
    let (mut child, base, link) = start_serve(&data);
    assert!(link.is_none(), "an administrator exists: no setup link");
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}/inloggen"))
        .form(&[("email", "beheer@test.nl"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(terminate(&mut child).success());
    assert!(!data.join("postmaster.pid").exists());

    // A CLI command with no serve running starts the cluster for its duration only.
    let out = airegister(&data).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!data.join("postmaster.pid").exists(), "stopped again after the command");
    std::fs::remove_dir_all(&top).ok();
}

#[test]
fn without_postgresql_binaries_serve_says_what_to_do() {
    let top = scratch_dir("airegister-nopg-");
    let out = airegister(&top.join("pg")).env("PG_BINDIR", "/nonexistent").arg("serve").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("PostgreSQL is niet gevonden")
            && err.contains("DATABASE_URL")
            && err.contains("docker compose up"),
        "{err}"
    );
    assert_eq!(err.lines().filter(|l| !l.trim().is_empty()).count(), 1, "one clear message: {err}");
    std::fs::remove_dir_all(&top).ok();
}

#[test]
fn user_add_validates_its_input() {
    let top = scratch_dir("airegister-cli-");
    let data = top.join("pg");
    let run = |args: &[&str], password: &str| {
        let mut child = airegister(&data)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&["user", "add", "--email", "a@b.nl", "--name", "A", "--role", "baas"], PASSWORD);
    assert!(String::from_utf8_lossy(&out.stderr).contains("onbekende rol 'baas'"));
    let out = run(&["user", "add", "--email", "a@b.nl", "--name", "A", "--role", "beheerder"], "kort");
    assert!(String::from_utf8_lossy(&out.stderr).contains("minstens 12 tekens"));
    let out = run(&["user", "add", "--email", "a@b.nl", "--name", "A", "--role", "beheerder"], PASSWORD);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nog geen organisatie"));
    let out = run(
        &[
            "user",
            "add",
            "--email",
            "a@b.nl",
            "--name",
            "A",
            "--role",
            "beheerder",
            "--org-code",
            "gm0344",
            "--org-name",
            "Gemeente Utrecht",
            "--org-email",
            "ai@utrecht.nl",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["user", "add", "--email", "A@b.nl", "--name", "A", "--role", "ciso"], PASSWORD);
    assert!(String::from_utf8_lossy(&out.stderr).contains("bestaat al een account"));
    assert!(!data.join("postmaster.pid").exists());
    std::fs::remove_dir_all(&top).ok();
}

#[tokio::test]
async fn readiness_reports_503_while_the_database_is_down_and_recovers_by_itself() {
    let top = scratch_dir("airegister-ready-");
    let cluster = Cluster::new(&top.join("pg"), None).unwrap();
    cluster.ensure_running().unwrap();
    crate::helpers::stop_when_process_ends(&cluster, &top);
    let pool = airegister::db::pool_options(4).connect_with(cluster.connect_options()).await.unwrap();
    airegister::db::MIGRATOR.run(&pool).await.unwrap();
    let app = TestApp::spawn_on(pool, WebConfig::default()).await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.logged_in("jan@gemeente.nl").await;
    assert_eq!(app.get(&c, "/readyz").await.status(), 200);

    let stopper = cluster.clone();
    tokio::task::spawn_blocking(move || stopper.stop()).await.unwrap().unwrap();
    let started = Instant::now();
    assert_eq!(app.get(&c, "/readyz").await.status(), 503);
    assert_eq!(app.get(&c, "/healthz").await.status(), 200, "the process itself is alive");
    let r = app.get(&c, "/").await;
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("Tijdelijk niet beschikbaar"));
    assert!(started.elapsed() < Duration::from_secs(15), "fast answers, not hangs");

    let starter = cluster.clone();
    tokio::task::spawn_blocking(move || starter.ensure_running()).await.unwrap().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.get(&c, "/readyz").await.status() != 200 {
        assert!(Instant::now() < deadline, "did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get(&c, "/").await.status(), 200, "the session survived the outage");
    let stopper = cluster.clone();
    tokio::task::spawn_blocking(move || stopper.stop()).await.unwrap().unwrap();
}

/// Dutch full-text search is the cluster's default, and parallel workers accept it: initdb once wrote
/// `pg_catalog.pg_catalog.dutch`, which only failed when PostgreSQL chose a parallel plan.
#[tokio::test]
async fn the_text_search_default_works_in_parallel_queries() {
    let pool = crate::helpers::fresh_database().await;
    let mut conn = pool.acquire().await.unwrap();
    let config: String =
        sqlx::query_scalar("select current_setting('default_text_search_config')").fetch_one(&mut *conn).await.unwrap();
    // Our private cluster sets it; a server given by DATABASE_URL keeps its own default.
    if std::env::var("DATABASE_URL").is_err() {
        assert_eq!(config, "pg_catalog.dutch");
    }
    let major: i32 = sqlx::query_scalar("select current_setting('server_version_num')::int / 10000")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let force = if major >= 16 { "debug_parallel_query" } else { "force_parallel_mode" };
    sqlx::query(&format!("set {force} = on")).execute(&mut *conn).await.unwrap();
    let n: i64 =
        sqlx::query_scalar("select count(*) from pg_description where to_tsvector(description) @@ 'functie'::tsquery")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert!(n >= 0);
}

/// Every request has an id: a proxy's plain `X-Request-Id` is kept, anything else replaced by a new UUID; the
/// response carries it and every log line of the request names it (JSON logs, as an operator would collect).
#[tokio::test]
async fn every_log_line_of_a_request_names_its_request_id() {
    let pool = crate::helpers::fresh_database().await;
    let url = crate::helpers::database_url(&pool).await;
    let log = scratch_dir("airegister-log-").join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .env("AIREGISTER_LOG", "info,sqlx=warn")
        .env("AIREGISTER_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap().rsplit(' ').next().unwrap().to_string();
    std::thread::spawn(move || for _ in lines {});
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let login = |id: Option<&'static str>| {
        let mut req = http
            .post(format!("{base}/inloggen"))
            .form(&[("email", "niemand@test.nl"), ("password", "fout wachtwoord 123")]);
        if let Some(id) = id {
            req = req.header("x-request-id", id);
        }
        req.send()
    };
    let r = login(Some("proxy-4711")).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["x-request-id"], "proxy-4711");
    let r = login(Some("evil\" \"injected")).await.unwrap();
    let fresh = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&fresh).is_ok(), "an unusable id is replaced by a UUID: {fresh}");
    let r = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert!(r.headers().contains_key("x-request-id"));
    terminate(&mut child);
    let text = std::fs::read_to_string(&log).unwrap();
    let failed: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["fields"]["event"] == "login_failed")
        .collect();
    assert_eq!(failed.len(), 2, "{text}");
    let ids: Vec<&str> = failed.iter().map(|v| v["spans"][0]["request_id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["proxy-4711", fresh.as_str()], "{text}");
    // Inside the request's span, the handler's own span (#[instrument]).
    let spans: Vec<&str> =
        failed[0]["spans"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap_or("")).collect();
    assert_eq!(spans, ["request", "session_middleware", "login"], "{text}");
    assert!(!text.contains("injected"), "a refused id never reaches the log");
}
