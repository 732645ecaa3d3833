//! Test harness: every test gets its own fresh, migrated database and the real router served on a free
//! port, driven over HTTP by reqwest. The database server is `DATABASE_URL` when set; otherwise one private
//! cluster per test run, started with the application's own cluster code and stopped when the run ends.

use std::sync::OnceLock;

use airegister::auth::roles::Role;
use airegister::auth::{password, users};
use airegister::config::WebConfig;
use airegister::db::cluster::Cluster;
use airegister::organisations::{self, NewOrg};
use airegister::{AppState, build_router};
use reqwest::redirect::Policy;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgPool};
use uuid::Uuid;

pub const PASSWORD: &str = "correct paard batterij niet";

/// Connection options of the server the tests use (without a database name chosen yet).
fn server() -> &'static PgConnectOptions {
    static SERVER: OnceLock<PgConnectOptions> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url.parse().expect("DATABASE_URL is a valid PostgreSQL URL"),
        _ => {
            let top = scratch_dir("airegister-test-");
            let cluster = Cluster::new(&top.join("pg"), None).expect("PostgreSQL binaries are installed");
            cluster.ensure_running().expect("the private test cluster starts");
            stop_when_process_ends(&cluster, &top);
            cluster.connect_options()
        }
    })
}

/// A directory under /tmp that the `postgres` user can enter (when tests run as root).
pub fn scratch_dir(prefix: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new().prefix(prefix).tempdir_in("/tmp").expect("temp dir").keep();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

/// The test binary has no destructor for statics: a small watchdog stops the cluster (fast shutdown) and
/// removes its directory once this process is gone, however it ended.
pub fn stop_when_process_ends(cluster: &Cluster, top: &std::path::Path) {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         kill -INT $(head -1 '{data}/postmaster.pid') 2>/dev/null; \
         for i in $(seq 1 50); do [ -e '{data}/postmaster.pid' ] || break; sleep 0.2; done; rm -rf '{top}'",
        pid = std::process::id(),
        data = cluster.data_dir().display(),
        top = top.display()
    );
    // Deliberately not waited for: it must outlive this process.
    #[allow(clippy::zombie_processes)]
    let _watchdog = std::process::Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watchdog starts");
}

/// A fresh database with all migrations applied.
pub async fn fresh_database() -> PgPool {
    let pool = empty_database().await;
    airegister::db::MIGRATOR.run(&pool).await.expect("migrations apply");
    pool
}

/// A new database on the test server without the schema (the load benchmark migrates it with an older build).
pub async fn empty_database() -> PgPool {
    let base = server().clone();
    let name = format!("t_{}", Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect_with(&base).await.expect("connect to the test server");
    sqlx::query(&format!("create database {name}")).execute(&mut admin).await.expect("create test database");
    admin.close().await.ok();
    airegister::db::pool_options(5).connect_with(base.database(&name)).await.expect("connect to test database")
}

pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_on(fresh_database().await, WebConfig::default()).await
    }

    pub async fn spawn_on(pool: PgPool, config: WebConfig) -> TestApp {
        // reqwest is built without a TLS crypto provider (the application installs ring before its first client).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let limits = config.limits;
        let state = AppState::new(pool.clone(), std::sync::Arc::new(config));
        // The server's own accept loop (timeouts, connection limit, client address), as `airegister serve`.
        tokio::spawn(async move {
            airegister::web::listener::serve(listener, build_router(state), limits, std::future::pending())
                .await
                .expect("server runs")
        });
        TestApp { base: format!("http://{addr}"), pool }
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests check them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("client")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn org(&self, name: &str, code: &str) -> Uuid {
        let mut conn = self.pool.acquire().await.unwrap();
        organisations::create(
            &mut conn,
            &NewOrg { name: name.into(), code: code.into(), contact_email: format!("ai@{code}.example") },
        )
        .await
        .unwrap()
    }

    /// Name `user` in a registration's RASCI with `letter`, as the form would (tests that set up who uses a tool).
    pub async fn rasci(&self, application: Uuid, user: Uuid, letter: &str) {
        sqlx::query("insert into rasci_assignment (rasci_id, application_id, letter, user_id) values ($1, $2, $3, $4)")
            .bind(Uuid::now_v7())
            .bind(application)
            .bind(letter)
            .bind(user)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    pub async fn user(&self, email: &str, org: Uuid, roles: &[Role]) -> Uuid {
        let hash = password::hash(PASSWORD).await.unwrap();
        let mut tx = self.pool.begin().await.unwrap();
        let id = users::create_user(&mut tx, email, &format!("Naam {email}"), Some(&hash)).await.unwrap();
        users::set_roles(&mut tx, id, org, roles).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    pub async fn login(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        client.post(self.url("/inloggen")).form(&[("email", email), ("password", password)]).send().await.unwrap()
    }

    /// A logged-in client (asserts that the login worked).
    pub async fn logged_in(&self, email: &str) -> reqwest::Client {
        let c = self.client();
        let r = self.login(&c, email, PASSWORD).await;
        assert_eq!(r.status(), 303, "login of {email} should succeed");
        c
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// The session's CSRF token, read from a page's form.
    pub async fn csrf(&self, client: &reqwest::Client) -> String {
        let html = self.get(client, "/account").await.text().await.unwrap();
        let marker = "name=\"csrf_token\" value=\"";
        let start = html.find(marker).expect("page has a CSRF field") + marker.len();
        html[start..start + 64].to_string()
    }

    /// POST a form the way our pages do: with the session's CSRF token.
    pub async fn post(&self, client: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf(client).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        client.post(self.url(path)).form(&all).send().await.unwrap()
    }
}

impl TestApp {
    /// A URL for this test's database, for running the `airegister` binary against it.
    pub async fn database_url(&self) -> String {
        database_url(&self.pool).await
    }
}

/// A URL for a database of the test server (a pool from [`fresh_database`]), for the `airegister` binary.
pub async fn database_url(pool: &PgPool) -> String {
    let db: String = sqlx::query_scalar("select current_database()").fetch_one(pool).await.unwrap();
    let o = server();
    let user = o.get_username();
    match o.get_socket() {
        Some(dir) => format!("postgres://{user}@localhost:{}/{db}?host={}", o.get_port(), dir.display()),
        None => format!("postgres://{user}@{}:{}/{db}", o.get_host(), o.get_port()),
    }
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

impl TestApp {
    /// POST a file-upload form (multipart/form-data) the way a browser does, with the session's CSRF token
    /// unless `csrf` is false.
    pub async fn post_multipart(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
        csrf: bool,
    ) -> reqwest::Response {
        let boundary = "----airegister-test-7d93a1";
        let mut body: Vec<u8> = Vec::new();
        let token = if csrf { Some(self.csrf(client).await) } else { None };
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(t) = &token {
            all.push(("csrf_token", t));
        }
        for (k, v) in all {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        if let Some((name, file_name, data)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        client
            .post(self.url(path))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// One number from the database (counts in assertions).
    pub async fn count(&self, sql: &str, id: Uuid) -> i64 {
        sqlx::query_scalar(sql).bind(id).fetch_one(&self.pool).await.unwrap()
    }
}

/// `airegister serve` as its own process against `database_url`, on a free port, with extra environment
/// variables; killed (SIGKILL) when dropped unless it has exited. For the fault checks and the load benchmark.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
}

impl ServerProcess {
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
        Self::start_binary(env!("CARGO_BIN_EXE_airegister"), database_url, env)
    }

    /// The same with another build of `airegister` (the load benchmark's before-and-after comparison).
    pub fn start_binary(binary: &str, database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(binary)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("DATABASE_URL", database_url)
            .env("AIREGISTER_LOG", "error")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("serve prints its address").unwrap();
        let base = first.rsplit(' ').next().unwrap().to_string();
        // Keep reading stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServerProcess { child, base }
    }

    pub fn signal(&self, sig: &str) {
        std::process::Command::new("kill").args([sig, &self.child.id().to_string()]).status().unwrap();
    }

    pub fn wait_exit(&mut self, limit: std::time::Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(std::time::Instant::now() < deadline, "the server did not exit within {limit:?}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A page that must answer 200, as text.
pub async fn page(app: &TestApp, c: &reqwest::Client, path: &str) -> String {
    let r = app.get(c, path).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.text().await.unwrap()
}

/// A registration's review status and version.
pub async fn status(app: &TestApp, id: Uuid) -> (String, i32) {
    sqlx::query_as("select workflow_status, version from application where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The CISO ticks the four CISO items of the checklist on the review page.
pub async fn tick_ciso_items(app: &TestApp, c: &reqwest::Client, id: Uuid) -> reqwest::Response {
    let version = status(app, id).await.1.to_string();
    let mut f = vec![("version", version.as_str())];
    f.extend(["risicoanalyse", "privacy", "maatregelen", "leveranciersafspraken"].map(|i| ("checklist", i)));
    app.post(c, &format!("/register/{id}/checklist"), &f).await
}

/// A review action on a registration as the review page sends it: with the version the reviewer saw.
/// Approving needs the CISO's items of the checklist, which the CISO ticks on the review page first (a
/// refusal there, such as four-eyes, is the decision's refusal too and is checked on the decision).
pub async fn act(
    app: &TestApp,
    c: &reqwest::Client,
    id: Uuid,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    if action == "besluit" && fields.iter().any(|(k, v)| *k == "beslissing" && v.starts_with("goedgekeurd")) {
        tick_ciso_items(app, c, id).await;
    }
    let version = status(app, id).await.1.to_string();
    let mut f = fields.to_vec();
    f.push(("version", &version));
    app.post(c, &format!("/register/{id}/{action}"), &f).await
}

/// The CISO's decision on a registration (`act` with "besluit").
pub async fn decide(app: &TestApp, c: &reqwest::Client, id: Uuid, fields: &[(&str, &str)]) -> reqwest::Response {
    act(app, c, id, "besluit", fields).await
}
