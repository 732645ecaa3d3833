//! The private PostgreSQL cluster used when `DATABASE_URL` is not set.
//!
//! `initdb` into a data directory, `pg_ctl start` listening on a Unix socket inside that directory only
//! (no TCP), and `pg_ctl stop` when the owner is done. PostgreSQL refuses to run as root, so when we are
//! root the cluster's processes run as the unprivileged `postgres` system user and the data directory is
//! owned by it. Everything here is synchronous: it runs once at start-up or shutdown, and the test
//! harness uses it outside any async runtime.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail};

/// The database and superuser name created inside a private cluster.
pub const DB_NAME: &str = "airegister";

/// Unix socket paths are limited to 107 bytes; `.s.PGSQL.5432` takes 14 of them.
const MAX_SOCKET_DIR_LEN: usize = 90;

/// The message shown when no PostgreSQL binaries can be found: it must say what to do.
pub const NO_POSTGRES_MESSAGE: &str = "PostgreSQL is niet gevonden (geen `initdb` en `pg_ctl` in PATH, PG_BINDIR of \
/usr/lib/postgresql/*/bin). Installeer PostgreSQL (bijv. `apt-get install postgresql`), \
of zet DATABASE_URL naar een bestaande server, of start alles met `docker compose up`.";

/// A private cluster: where its data and binaries are, and who runs it.
#[derive(Debug, Clone)]
pub struct Cluster {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    /// `Some((uid, gid))` when we are root and the cluster runs as the `postgres` user.
    run_as: Option<(u32, u32)>,
}

/// What [`Cluster::ensure_running`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    /// We started it; we stop it when done.
    ByUs,
    /// It was already running (a `serve` is using it); leave it running.
    AlreadyRunning,
}

impl Cluster {
    /// Locate the PostgreSQL binaries and decide which user runs the cluster. Fails with
    /// [`NO_POSTGRES_MESSAGE`] when there are no binaries.
    pub fn new(data_dir: &Path, pg_bindir: Option<&Path>) -> anyhow::Result<Self> {
        let bin_dir = find_bin_dir(pg_bindir).ok_or_else(|| anyhow::anyhow!(NO_POSTGRES_MESSAGE))?;
        let data_dir = absolute(data_dir)?;
        let run_as = if running_as_root() {
            Some(postgres_system_user().context(
                "AI-register draait als root, en PostgreSQL weigert als root te draaien. Er is geen \
                 systeemgebruiker `postgres` om het cluster onder te draaien: maak die aan \
                 (`useradd --system postgres`), draai AI-register als gewone gebruiker, of zet DATABASE_URL.",
            )?)
        } else {
            None
        };
        Ok(Self { data_dir, bin_dir, run_as })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The directory holding the Unix socket: inside the data directory, unless that path is too long for
    /// a socket, in which case a short directory derived from the data directory's path is used.
    pub fn socket_dir(&self) -> PathBuf {
        let inside = self.data_dir.clone();
        if inside.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
            return inside;
        }
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.data_dir.as_os_str().as_encoded_bytes());
        PathBuf::from(format!("/tmp/airegister-{}", &crate::util::hex(&digest)[..16]))
    }

    fn is_initialised(&self) -> bool {
        self.data_dir.join("PG_VERSION").exists()
    }

    /// Initialise the cluster when the data directory is new; a second call reuses the existing data.
    pub fn init_if_needed(&self) -> anyhow::Result<bool> {
        if self.is_initialised() {
            return Ok(false);
        }
        if self.data_dir.exists() && fs::read_dir(&self.data_dir)?.next().is_some() {
            bail!(
                "De datamap {} bestaat al en is niet leeg, maar is geen PostgreSQL-cluster. Kies een andere \
                 --data-dir of maak de map leeg.",
                self.data_dir.display()
            );
        }
        fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("kan datamap {} niet aanmaken", self.data_dir.display()))?;
        fs::set_permissions(&self.data_dir, fs::Permissions::from_mode(0o700))?;
        self.chown(&self.data_dir)?;
        let out = self
            .command("initdb")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .args(["--username", DB_NAME, "--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8"])
            // initdb qualifies the name itself ("pg_catalog." + name); a qualified name here would end up as
            // pg_catalog.pg_catalog.dutch, which parallel workers refuse.
            .args(["--text-search-config", "dutch"])
            .output()
            .context("initdb kon niet worden gestart")?;
        check(&out, "initdb")?;
        // Unix socket only: no TCP listener at all. Trust authentication is safe because the socket lives
        // in a directory only the cluster's owner (and root) can enter.
        let conf = format!(
            "\n# Set by AI-register: Unix socket only.\nlisten_addresses = ''\nunix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n",
            self.socket_dir().display()
        );
        let conf_path = self.data_dir.join("postgresql.conf");
        let mut existing = fs::read_to_string(&conf_path)?;
        existing.push_str(&conf);
        fs::write(&conf_path, existing)?;
        Ok(true)
    }

    /// Whether a postmaster is running on this data directory.
    pub fn is_running(&self) -> bool {
        if !self.is_initialised() {
            return false;
        }
        self.command("pg_ctl")
            .arg("status")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// Initialise if needed, then start the cluster unless it is already running, and make sure the
    /// application database exists.
    pub fn ensure_running(&self) -> anyhow::Result<Started> {
        self.init_if_needed()?;
        let started = if self.is_running() {
            Started::AlreadyRunning
        } else {
            let socket_dir = self.socket_dir();
            if !socket_dir.exists() {
                fs::create_dir_all(&socket_dir)?;
                fs::set_permissions(&socket_dir, fs::Permissions::from_mode(0o700))?;
                self.chown(&socket_dir)?;
            }
            let log = self.data_dir.join("postgresql.log");
            let out = self
                .command("pg_ctl")
                .arg("start")
                .arg("--pgdata")
                .arg(&self.data_dir)
                .arg("--log")
                .arg(&log)
                // Also repairs clusters made before the initdb fix above (a command-line setting wins).
                .args(["-o", "-c default_text_search_config=pg_catalog.dutch"])
                .args(["--wait", "--timeout", "60", "--silent"])
                .output()
                .context("pg_ctl start kon niet worden gestart")?;
            if !out.status.success() {
                let tail = fs::read_to_string(&log).unwrap_or_default();
                let tail: Vec<&str> = tail.lines().rev().take(10).collect();
                bail!(
                    "PostgreSQL in {} startte niet: {}\n{}",
                    self.data_dir.display(),
                    String::from_utf8_lossy(&out.stderr).trim(),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                );
            }
            Started::ByUs
        };
        if let Err(e) = self.ensure_database() {
            if started == Started::ByUs {
                let _ = self.stop();
            }
            return Err(e);
        }
        Ok(started)
    }

    fn ensure_database(&self) -> anyhow::Result<()> {
        let out = self
            .command("psql")
            .args(["--no-psqlrc", "--quiet", "--tuples-only", "--dbname", "postgres", "--username", DB_NAME])
            .arg("--host")
            .arg(self.socket_dir())
            .args(["--command", &format!("select 1 from pg_database where datname = '{DB_NAME}'")])
            .output()
            .context("psql kon niet worden gestart")?;
        check(&out, "psql")?;
        if String::from_utf8_lossy(&out.stdout).trim() == "1" {
            return Ok(());
        }
        let out = self
            .command("createdb")
            .args(["--username", DB_NAME])
            .arg("--host")
            .arg(self.socket_dir())
            .arg(DB_NAME)
            .output()
            .context("createdb kon niet worden gestart")?;
        check(&out, "createdb")
    }

    /// Fast shutdown: open transactions are rolled back, committed data is safe.
    pub fn stop(&self) -> anyhow::Result<()> {
        if !self.is_running() {
            return Ok(());
        }
        let out = self
            .command("pg_ctl")
            .arg("stop")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .args(["--mode", "fast", "--wait", "--timeout", "60", "--silent"])
            .output()
            .context("pg_ctl stop kon niet worden gestart")?;
        check(&out, "pg_ctl stop")
    }

    /// Connection options for the application database over the Unix socket.
    pub fn connect_options(&self) -> sqlx::postgres::PgConnectOptions {
        sqlx::postgres::PgConnectOptions::new().socket(self.socket_dir()).username(DB_NAME).database(DB_NAME)
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        // The cluster's tools must not pick up a caller's PGHOST/PGDATABASE and talk to another server.
        for var in ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGDATA", "PGPASSWORD", "PGSERVICE"] {
            cmd.env_remove(var);
        }
        cmd.env("LC_ALL", "C.UTF-8");
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
            // A working directory the postgres user can enter; ours may be closed to it.
            cmd.current_dir("/");
        }
        cmd
    }

    fn chown(&self, path: &Path) -> anyhow::Result<()> {
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .with_context(|| format!("kan {} niet aan de postgres-gebruiker geven", path.display()))?;
        }
        Ok(())
    }
}

fn check(out: &Output, what: &str) -> anyhow::Result<()> {
    if out.status.success() {
        return Ok(());
    }
    let mut msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if msg.contains("Permission denied") {
        msg.push_str(
            "\n(De postgres-gebruiker moet alle bovenliggende mappen van de datamap kunnen openen; kies een \
             --data-dir waar dat kan.)",
        );
    }
    bail!("{what} mislukte: {msg}")
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    Ok(if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) })
}

/// `PG_BINDIR` when given (and only that), else `PATH`, else the newest `/usr/lib/postgresql/*/bin`.
fn find_bin_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = explicit {
        return has_tools(dir).then(|| dir.to_path_buf());
    }
    if let Some(path) = std::env::var_os("PATH")
        && let Some(dir) = std::env::split_paths(&path).find(|d| has_tools(d))
    {
        // PATH may hold symlinks to single programs (e.g. /usr/local/bin/initdb); the other tools we need
        // (psql, createdb) live beside the real initdb.
        return fs::canonicalize(dir.join("initdb")).ok().and_then(|p| p.parent().map(Path::to_path_buf)).or(Some(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_tools(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    // /proc/self belongs to the effective user of this process; no unsafe libc call needed.
    fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

fn postgres_system_user() -> anyhow::Result<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd")?;
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() > 3 && fields[0] == "postgres")
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        })
        .ok_or_else(|| anyhow::anyhow!("geen gebruiker postgres in /etc/passwd"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_bindir_without_tools_is_not_found() {
        assert!(find_bin_dir(Some(Path::new("/nonexistent"))).is_none());
    }

    #[test]
    fn long_data_dirs_get_a_short_socket_dir() {
        let long = PathBuf::from(format!("/tmp/{}", "x".repeat(120)));
        let c = Cluster { data_dir: long.clone(), bin_dir: PathBuf::new(), run_as: None };
        let dir = c.socket_dir();
        assert!(dir.as_os_str().len() < MAX_SOCKET_DIR_LEN);
        assert_ne!(dir, long);
        let short = Cluster { data_dir: PathBuf::from("/tmp/d"), bin_dir: PathBuf::new(), run_as: None };
        assert_eq!(short.socket_dir(), PathBuf::from("/tmp/d"));
    }
}
