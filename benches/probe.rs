//! The database's own ceiling for a page (issue 24): the statements one request of the page runs, captured from
//! PostgreSQL's statement log with their parameters, replayed by pgbench at the same concurrency on the same
//! data. The page's requests per second divided by the probe's transactions per second says how close the
//! application gets to what the database alone could do; the rest is the application's own cost (HTML,
//! sqlx, HTTP) and any round trip it could save.
//!
//! Needs a superuser connection (ALTER SYSTEM, pg_read_file) and a server that logs to `postgresql.log` in
//! its data directory, as the private cluster of the tests and benchmarks does; elsewhere the probe is
//! skipped with a message.

use std::process::Command;
use std::time::Duration;

use sqlx::PgPool;

/// One request's statements, ready for pgbench.
pub struct Capture {
    pub statements: Vec<String>,
}

/// Turn statement logging on, make the request, read what PostgreSQL logged for it, turn logging off.
pub async fn capture(pool: &PgPool, request: impl std::future::Future<Output = ()>) -> Result<Capture, String> {
    let mut admin = pool.acquire().await.map_err(|e| e.to_string())?;
    let own_pid: i32 =
        sqlx::query_scalar("select pg_backend_pid()").fetch_one(&mut *admin).await.map_err(|e| e.to_string())?;
    let size = log_size(&mut admin).await?;
    set_logging(&mut admin, true).await?;
    request.await;
    // The log is written by the backends themselves (stderr); give the last line a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    set_logging(&mut admin, false).await?;
    let text: String = sqlx::query_scalar("select pg_read_file('postgresql.log', $1, $2)")
        .bind(size)
        .bind(log_size(&mut admin).await? - size)
        .fetch_one(&mut *admin)
        .await
        .map_err(|e| e.to_string())?;
    let statements = statements(&text, own_pid);
    if statements.is_empty() {
        return Err("no statements were logged for the request".into());
    }
    Ok(Capture { statements })
}

async fn log_size(conn: &mut sqlx::PgConnection) -> Result<i64, String> {
    sqlx::query_scalar("select (pg_stat_file('postgresql.log')).size")
        .fetch_one(conn)
        .await
        .map_err(|e| format!("the server's log is not readable as postgresql.log in its data directory: {e}"))
}

async fn set_logging(conn: &mut sqlx::PgConnection, on: bool) -> Result<(), String> {
    let set = if on {
        "alter system set log_min_duration_statement = 0"
    } else {
        "alter system reset log_min_duration_statement"
    };
    sqlx::query(set).execute(&mut *conn).await.map_err(|e| e.to_string())?;
    sqlx::query("select pg_reload_conf()").execute(&mut *conn).await.map_err(|e| e.to_string())?;
    // Every backend reads the new setting before its next statement; the pooled ones may be idle right now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

/// The executed statements of a log chunk (extended protocol "execute" and simple "statement" entries) with
/// their parameters written in as literals; entries of the process `skip_pid` (the probe's own) are left out.
pub fn statements(log: &str, skip_pid: i32) -> Vec<String> {
    let mut entries: Vec<(i32, String)> = Vec::new();
    for line in log.lines() {
        match entry_head(line) {
            Some((pid, rest)) => entries.push((pid, rest.to_string())),
            None => {
                if let Some(last) = entries.last_mut() {
                    last.1.push('\n');
                    last.1.push_str(line);
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<(i32, String)> = None;
    for (pid, body) in entries {
        if pid == skip_pid {
            continue;
        }
        // PostgreSQL 13 and later write "parameters:", older versions "Parameters:".
        if let Some(params) =
            body.strip_prefix("DETAIL:  parameters: ").or_else(|| body.strip_prefix("DETAIL:  Parameters: "))
        {
            if let Some((_, sql)) = pending.take().filter(|(p, _)| *p == pid) {
                out.push(with_parameters(&sql, &parameters(params)));
            }
            continue;
        }
        if let Some((_, sql)) = pending.take() {
            out.push(sql);
        }
        let Some(logged) = body.strip_prefix("LOG:  duration: ") else { continue };
        let Some((_, what)) = logged.split_once(" ms  ") else { continue };
        if let Some(sql) = what.strip_prefix("statement: ") {
            out.push(sql.to_string());
        } else if let Some((_, sql)) = what.strip_prefix("execute ").and_then(|rest| rest.split_once(": ")) {
            pending = Some((pid, sql.to_string()));
        }
    }
    if let Some((_, sql)) = pending {
        out.push(sql);
    }
    out
}

/// `2026-12-03 10:40:00.123 UTC [12345] LOG:  …` → (12345, "LOG:  …").
fn entry_head(line: &str) -> Option<(i32, &str)> {
    let open = line.find(" [")?;
    let head = &line[..open];
    if head.len() < 19 || !head.as_bytes()[..4].iter().all(u8::is_ascii_digit) || head.as_bytes()[4] != b'-' {
        return None;
    }
    let close = line[open..].find("] ")? + open;
    let pid = line[open + 2..close].parse().ok()?;
    Some((pid, &line[close + 2..]))
}

/// `$1 = 'a', $2 = NULL` → ["'a'", "NULL"], literals as PostgreSQL wrote them (quotes doubled inside).
fn parameters(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = text;
    while let Some(eq) = rest.find(" = ") {
        rest = &rest[eq + 3..];
        if let Some(after) = rest.strip_prefix("NULL") {
            values.push("NULL".to_string());
            rest = after;
        } else if rest.starts_with('\'') {
            let bytes = rest.as_bytes();
            let mut i = 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            values.push(rest[..=i.min(rest.len() - 1)].to_string());
            rest = &rest[(i + 1).min(rest.len())..];
        }
    }
    values
}

/// Write the parameters into the statement as literals (`$n` outside quotes).
fn with_parameters(sql: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    let mut in_quote = false;
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            in_quote = !in_quote;
        }
        if c == '$' && !in_quote {
            let digits: String = sql[i + 1..].chars().take_while(char::is_ascii_digit).collect();
            if let Some(v) = digits.parse::<usize>().ok().and_then(|n| values.get(n.wrapping_sub(1))) {
                out.push_str(v);
                for _ in 0..digits.len() {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// What pgbench reported: transactions per second and how many it ran.
pub struct Replayed {
    pub tps: f64,
    pub transactions: u64,
}

/// pgbench replaying each capture as one transaction (a request; several captures are picked from at random,
/// as the page's paths are): transactions per second, or why not.
pub fn replay(
    name: &str,
    captures: &[Capture],
    database_url: &str,
    clients: usize,
    seconds: u64,
) -> Result<Replayed, String> {
    let bindir = std::env::var("PG_BINDIR").ok().or_else(|| {
        let mut dirs: Vec<_> = std::fs::read_dir("/usr/lib/postgresql").ok()?.flatten().map(|e| e.path()).collect();
        dirs.sort();
        dirs.last().map(|d| d.join("bin").display().to_string())
    });
    let pgbench = bindir.map(|d| format!("{d}/pgbench")).unwrap_or_else(|| "pgbench".into());
    // Kept under target/load-probe/ to be read or EXPLAINed after the run.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/load-probe");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut scripts = Vec::new();
    for (i, capture) in captures.iter().enumerate() {
        let script = dir.join(format!("{}-{clients}-{i}.sql", slug(name)));
        let body: String =
            capture.statements.iter().map(|s| format!("{};\n", s.trim_end().trim_end_matches(';'))).collect();
        std::fs::write(&script, body).map_err(|e| e.to_string())?;
        scripts.push(script);
    }
    let mut command = Command::new(pgbench);
    // Prepared, as the application's statements are: each is parsed and planned once per connection (with
    // literal statements pgbench planned every one again and fell below the application itself).
    command.args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", "2", "-T", &seconds.to_string()]);
    for script in &scripts {
        command.arg("-f").arg(script);
    }
    let out = command.arg(database_url).output().map_err(|e| format!("pgbench did not start: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("pgbench failed: {}", String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("")));
    }
    let number = |prefix: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix).and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok()))
    };
    match (number("tps = "), number("number of transactions actually processed: ")) {
        (Some(tps), Some(n)) => Ok(Replayed { tps, transactions: n as u64 }),
        _ => Err(format!("no tps in pgbench's output: {stdout}")),
    }
}

fn slug(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}
