//! Where the database is and how we connect: `DATABASE_URL` when set, otherwise the private cluster in
//! the data directory (see [`cluster`]). Every subcommand that touches the database goes through
//! [`Database::open`], so they all behave the same way.

pub mod cluster;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use cluster::{Cluster, Started};

/// The embedded migrations, applied by `serve`, `migrate` and every other database command.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Where to find the database.
#[derive(Debug, Clone)]
pub struct DbSettings {
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub pg_bindir: Option<PathBuf>,
    pub max_connections: u32,
}

/// An open database: the pool, and the private cluster when we use one.
pub struct Database {
    pub pool: PgPool,
    cluster: Option<(Cluster, bool)>,
}

/// Marks the data directory as used by a running `serve`, so CLI commands leave the cluster running.
const SERVE_PID_FILE: &str = "airegister-serve.pid";

impl Database {
    /// Connect (starting the private cluster when needed) and apply migrations.
    ///
    /// `serving` is true for `serve`: it then takes charge of stopping a cluster it started, or one it
    /// found running without a live `serve` (left behind by a crash). Other commands stop the cluster
    /// only when they started it themselves.
    pub async fn open(settings: &DbSettings, serving: bool) -> anyhow::Result<Self> {
        let (options, cluster) = match &settings.database_url {
            Some(url) => {
                (url.parse::<PgConnectOptions>().context("DATABASE_URL is geen geldige PostgreSQL-URL")?, None)
            }
            None => {
                let c = Cluster::new(&settings.data_dir, settings.pg_bindir.as_deref())?;
                let c2 = c.clone();
                let started = tokio::task::spawn_blocking(move || c2.ensure_running()).await??;
                let owner = match started {
                    Started::ByUs => true,
                    Started::AlreadyRunning => serving && !serve_is_running(c.data_dir()),
                };
                if serving {
                    std::fs::write(c.data_dir().join(SERVE_PID_FILE), std::process::id().to_string())
                        .context("kan het pid-bestand in de datamap niet schrijven")?;
                }
                (c.connect_options(), Some((c, owner)))
            }
        };
        let connected = async {
            let pool = pool_options(settings.max_connections)
                .connect_with(options)
                .await
                .context("kan geen verbinding maken met PostgreSQL (controleer DATABASE_URL of de datamap)")?;
            MIGRATOR.run(&pool).await.context("migraties toepassen mislukte")?;
            anyhow::Ok(pool)
        }
        .await;
        match connected {
            Ok(pool) => Ok(Self { pool, cluster }),
            Err(e) => {
                // Leave nothing running behind a failed start.
                if let Some((c, owner)) = cluster {
                    let _ = std::fs::remove_file(c.data_dir().join(SERVE_PID_FILE));
                    if owner {
                        let _ = tokio::task::spawn_blocking(move || c.stop()).await;
                    }
                }
                Err(e)
            }
        }
    }

    /// Close the pool, and stop the private cluster when this process is in charge of it.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some((cluster, owner)) = self.cluster {
            let pid_file = cluster.data_dir().join(SERVE_PID_FILE);
            if std::fs::read_to_string(&pid_file).ok().as_deref() == Some(&std::process::id().to_string()) {
                let _ = std::fs::remove_file(pid_file);
            }
            if owner {
                tokio::task::spawn_blocking(move || cluster.stop()).await??;
            }
        }
        Ok(())
    }
}

/// Pool settings: a short acquire timeout so an unreachable database gives a quick 503, not a hang. sqlx pings
/// every connection before handing it out by default: one extra round trip for every statement of every page.
/// Only a connection that has been idle for a second or more is pinged now: under load connections are in use
/// all the time and a ping finds nothing, while one left over from before a database restart is found dead
/// and replaced instead of failing the next statement (tests/api/faults.rs stops PostgreSQL under load).
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= Duration::from_secs(1) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .max_connections(max_connections)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(3))
        .idle_timeout(Duration::from_secs(300))
}

fn serve_is_running(data_dir: &Path) -> bool {
    let Ok(pid) = std::fs::read_to_string(data_dir.join(SERVE_PID_FILE)) else {
        return false;
    };
    let pid = pid.trim();
    !pid.is_empty() && pid != std::process::id().to_string() && Path::new("/proc").join(pid).exists()
}

/// PostgreSQL refuses a NUL character in text (22021, character_not_in_repertoire): bad input, not a fault.
pub fn is_invalid_text(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.code().as_deref() == Some("22021"))
}

/// Whether an error is a reference to a row that went between reading and writing (a foreign key violation):
/// a training removed while someone recorded a completion of it, a person removed while being chosen.
pub fn is_gone_reference(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.code().as_deref() == Some("23503"))
}

/// Whether an error means "the database is not reachable right now" (→ 503), as opposed to a bug.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            // admin_shutdown, crash_shutdown, cannot_connect_now, connection failures.
            matches!(db.code().as_deref(), Some("57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006"))
        }
        _ => false,
    }
}
