//! `airegister serve`: open the database, print the setup link on first run, serve until Ctrl-C or
//! SIGTERM (requests in flight finish), then close the pool and stop a private cluster we started.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::{DbArgs, MailSettings, ServeArgs, WebConfig};
use crate::db::Database;
use crate::{AppState, auth, build_router};

pub async fn serve(args: ServeArgs, db_args: DbArgs) -> anyhow::Result<()> {
    // Reference data first: a broken replacement file stops the start with the file, question and problem.
    let tree = crate::aiact::load()?;
    let kader = crate::kader::load().map_err(anyhow::Error::msg)?;
    tracing::info!(event = "reference_loaded", version = %kader.version, requirements = kader.requirements.len(), measures = kader.measures.len(), "Algoritmekader loaded");
    let sets = crate::questionnaires::load().map_err(anyhow::Error::msg)?;
    tracing::info!(event = "reference_loaded", prescan = %sets.prescan.version, dpia = %sets.dpia.version, iama = %sets.iama.version, "assessment question sets loaded");
    tracing::info!(event = "reference_loaded", tree = %tree.name, version = %tree.version, questions = tree.questions.len(), "AI Act decision tree loaded");
    for e in crate::questionnaires::jexl_differences() {
        tracing::warn!(event = "reference_jexl_reading", expression = %e, "jexl (the government's evaluator) reads this expression differently from the conventional precedence; its reading is used");
    }
    let db = Database::open(&db_args.settings(), true).await?;
    let result = run(&args, &db).await;
    // Stop the private cluster even when serving failed (e.g. the port was taken).
    let closed = db.close().await;
    result.and(closed)
}

async fn run(args: &ServeArgs, db: &Database) -> anyhow::Result<()> {
    let mut web = WebConfig::from_args(args);
    web.mail = MailSettings::from_args(args).map_err(anyhow::Error::msg)?;
    web.register_client_secret = crate::config::register_secret(args).map_err(anyhow::Error::msg)?;
    let config = Arc::new(web);
    if config.compression {
        crate::web::assets::warm_up();
    }
    let state = AppState::new(db.pool.clone(), config.clone());
    let listener = TcpListener::bind(args.bind).await.with_context(|| {
        format!("kan niet luisteren op {} (is de poort al in gebruik? kies een andere met --bind)", args.bind)
    })?;
    let addr = listener.local_addr()?;
    if config.security_contact.is_none() {
        tracing::warn!(
            event = "security_contact_default",
            "security.txt names the first organisation's functional mailbox; set AIREGISTER_SECURITY_CONTACT to the team that handles vulnerability reports"
        );
    }
    if args.security_policy.is_some() && config.security_policy.is_none() {
        tracing::warn!(
            event = "security_policy_ignored",
            "AIREGISTER_SECURITY_POLICY must be an https:// link; it is left out of security.txt"
        );
    }
    let base = config.base_url(addr);
    say(&format!("AI-register luistert op {base}"));
    // The demo first: it brings its own administrator, so no setup link is needed then.
    let demo_password = if args.demo {
        let password = args.demo_password.clone().unwrap_or_else(crate::demo::generate_password);
        crate::demo::load(&db.pool, &password).await?;
        Some(password)
    } else {
        None
    };
    if !auth::users::administrator_exists(&db.pool).await? {
        let token = auth::users::issue_setup_token(&db.pool).await?;
        say("Eerste start: er is nog geen beheerder. Open deze eenmalige link om AI-register in te richten:");
        say(&format!("  {base}/inrichten/{token}"));
    } else {
        say(&format!("Inloggen: {base}/inloggen"));
    }
    if let Some(password) = demo_password {
        for line in crate::demo::accounts_text(&password) {
            say(&line);
        }
    }
    let mut limits = config.limits;
    limits.max_connections =
        fit_connections_to_fd_limit(limits.max_connections, db.pool.options().get_max_connections());
    let cleanup = tokio::spawn(session_cleanup(state.clone()));
    let mail = start_mail(&db.pool, config.mail.clone(), &base).await?;
    let served = crate::web::listener::serve(listener, build_router(state), limits, shutdown_signal()).await;
    cleanup.abort();
    if let Some(worker) = mail {
        worker.abort();
    }
    say("AI-register is gestopt.");
    served.context("de webserver stopte met een fout")
}

/// Every connection is a file descriptor. Raise the soft open-files limit to the hard one (often 1,024 of
/// 524,288 under systemd), and where it still does not cover the connection limit plus the database pool
/// and some files, serve fewer connections at once rather than fail to accept or to open a file.
fn fit_connections_to_fd_limit(wanted: usize, pool: u32) -> usize {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let mut soft = limit.current;
    if limit.current.is_some() && limit.current != limit.maximum {
        // Unlimited (None) is not allowed for open files; then the soft limit stays as it is.
        if limit.maximum.is_some()
            && setrlimit(Resource::Nofile, Rlimit { current: limit.maximum, maximum: limit.maximum }).is_ok()
        {
            soft = limit.maximum;
        }
    }
    let Some(soft) = soft.and_then(|s| usize::try_from(s).ok()) else {
        return wanted;
    };
    let spare = soft.saturating_sub(usize::try_from(pool).unwrap_or(usize::MAX).saturating_add(64)).max(1);
    if wanted > spare {
        tracing::warn!(
            event = "max_connections_lowered",
            configured = wanted,
            serving = spare,
            open_files_limit = soft,
            "the open-files limit is too low for AIREGISTER_MAX_CONNECTIONS; raise it (ulimit -n, LimitNOFILE=) or lower the setting"
        );
        return spare;
    }
    wanted
}

/// E-mail on or off (written to the database, where messages are queued), and the worker when on.
async fn start_mail(
    pool: &sqlx::PgPool,
    settings: Option<MailSettings>,
    base: &str,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    crate::mail::outbox::set_enabled(pool, settings.is_some()).await?;
    let Some(settings) = settings else {
        say("E-mail staat uit (geen AIREGISTER_SMTP_URL): meldingen verschijnen alleen in de applicatie.");
        return Ok(None);
    };
    say(&format!("E-mail staat aan: via {} als {}.", settings.server(), settings.from));
    Ok(Some(tokio::spawn(crate::mail::run(pool.clone(), settings, base.to_string()))))
}

/// Print a line for the operator; a closed stdout (e.g. a supervisor that went away) must not crash the
/// server, so write errors are ignored.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Remove expired sessions (and login counts that have filled up again) and retract from the national register
/// what is no longer public here every ten minutes; once an hour (and at start) send the reminders (evaluations due, reviews waiting too long, incidents open too long).
async fn session_cleanup(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    let mut round: u64 = 0;
    loop {
        tick.tick().await;
        let policy = crate::register::reminders::Policy { review_days: state.config.review_reminder_days };
        if round.is_multiple_of(6) {
            match crate::register::reminders::run(&state.pool, policy).await {
                Ok(sent) => tracing::debug!(event = "reminders", ?sent, "reminders checked"),
                Err(e) => tracing::warn!(event = "reminders_failed", error = %e, "could not send reminders"),
            }
            match crate::policy::reminders::run(&state.pool, crate::web::today()).await {
                Ok(n) => tracing::debug!(event = "policy_reminders", count = n, "policy reminders checked"),
                Err(e) => {
                    tracing::warn!(event = "policy_reminders_failed", error = ?e, "could not send policy reminders")
                }
            }
        }
        round += 1;
        match auth::session::delete_expired(&state.pool, &state.config).await {
            Ok(n) if n > 0 => tracing::info!(event = "sessions_expired", count = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(event = "session_cleanup_failed", error = %e, "could not remove expired sessions")
            }
        }
        if let Err(e) = state.throttle.prune(&state.pool).await {
            tracing::warn!(event = "throttle_cleanup_failed", error = %e, "could not prune the login counts");
        }
        // Registrations no longer public here come out of the national register too.
        match crate::publication::retract::retract_withdrawn(&state.pool, &state.config).await {
            Ok((0, 0)) => {}
            Ok((done, failed)) => {
                tracing::info!(event = "register_retracted", done, failed, "retracted from the register")
            }
            Err(e) => tracing::warn!(event = "register_retract_failed", error = %e, "could not retract"),
        }
    }
}

/// Ctrl-C or SIGTERM (what systemd, Docker and Kubernetes send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!(event = "shutdown", "shutdown requested; finishing requests in flight");
}
