//! Commands for the national Algoritmeregister: export the published registrations, import descriptions as
//! drafts.

use std::path::Path;

use anyhow::{Context, bail};

use super::with_database;
use airegister::config::DbArgs;
use airegister::db::Database;
use airegister::organisations;
use airegister::publication::export::Format;
use airegister::publication::import::{self, Mode};
use airegister::publication::stream;

/// `export`: the format is checked before the database is opened.
pub async fn export(
    format: &str,
    out: Option<&Path>,
    org_code: Option<&str>,
    public_url: Option<&str>,
    db: &DbArgs,
) -> anyhow::Result<()> {
    let format = Format::parse(format)
        .with_context(|| format!("onbekend formaat '{format}'; kies algoritmeregister-json, csv of xlsx"))?;
    if format == Format::Xlsx && out.is_none() {
        bail!("een Excel-bestand gaat niet naar het scherm; geef --out BESTAND.xlsx");
    }
    with_database(db, async |db| export_register(db, format, out, org_code, public_url).await).await
}

/// `import`: the file is read (and its size checked) before the database is opened.
pub async fn import(file: &Path, dry_run: bool, mode: Mode, org_code: Option<&str>, db: &DbArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("kan {} niet lezen", file.display()))?;
    if bytes.len() > airegister::publication::import::MAX_FILE {
        bail!("{} is groter dan 10 MB", file.display());
    }
    with_database(db, async |db| import_file(db, &bytes, dry_run, mode, org_code).await).await
}

/// The organisation a command works on: by code, or the only one.
pub(super) async fn pick_organisation(db: &Database, code: Option<&str>) -> anyhow::Result<uuid::Uuid> {
    let mut conn = db.pool.acquire().await?;
    match code {
        Some(code) => organisations::find_by_code(&mut conn, code)
            .await?
            .with_context(|| format!("geen organisatie met code {code}")),
        None => match organisations::all_ids(&mut conn).await?.as_slice() {
            [only] => Ok(*only),
            [] => bail!("er is nog geen organisatie"),
            _ => bail!("er zijn meerdere organisaties; kies er een met --org-code"),
        },
    }
}

async fn export_register(
    db: &Database,
    format: Format,
    out: Option<&Path>,
    org_code: Option<&str>,
    public_url: Option<&str>,
) -> anyhow::Result<()> {
    use airegister::publication::{algorithm_in, export};
    let org = pick_organisation(db, org_code).await?;
    let info = algorithm_in::org_info(&db.pool, org).await?;
    let links = algorithm_in::Links::new(public_url);
    let (tx, rx) = tokio::sync::mpsc::channel::<stream::Chunk>(4);
    let produce = async move {
        let mut skipped = |s: export::Skipped| eprintln!("Overgeslagen: {} – {}", s.name, s.problems.join("; "));
        stream::run(&db.pool, &info, &links, format, &tx, &mut skipped).await
    };
    match out {
        Some(path) => {
            // Into a temporary file beside the target, renamed when whole: a failed export leaves no half file.
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let file = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("kan {} niet schrijven", path.display()))?;
            let mut writer = std::io::BufWriter::new(file.reopen()?);
            let (count, written) = tokio::join!(produce, drain(rx, &mut writer));
            let count = count?;
            written
                .and_then(|()| writer.into_inner().map_err(std::io::IntoInnerError::into_error)?.sync_all())
                .with_context(|| format!("kan {} niet schrijven", path.display()))?;
            file.persist(path).with_context(|| format!("kan {} niet schrijven", path.display()))?;
            eprintln!("{count} registraties geëxporteerd naar {}.", path.display());
        }
        None => {
            let mut stdout = std::io::stdout();
            let (count, written) = tokio::join!(produce, drain(rx, &mut stdout));
            count?;
            written?;
        }
    }
    Ok(())
}

/// Everything the export sends, into `out` (plain blocking writes: the command does nothing else meanwhile).
/// Takes the receiver: when writing fails it is dropped, and so the export stops instead of waiting for room
/// in the channel.
async fn drain(
    mut rx: tokio::sync::mpsc::Receiver<stream::Chunk>,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    while let Some(chunk) = rx.recv().await {
        out.write_all(&chunk?)?;
    }
    out.flush()
}

async fn import_file(
    db: &Database,
    bytes: &[u8],
    dry_run: bool,
    mode: Mode,
    org_code: Option<&str>,
) -> anyhow::Result<()> {
    use airegister::publication::algorithm_in;
    let org = pick_organisation(db, org_code).await?;
    let info = algorithm_in::org_info(&db.pool, org).await?;
    let actor = airegister::audit::Actor::system("cli import");
    let report = import::run(&db.pool, &info, &actor, None, bytes, dry_run, mode).await?;
    for line in report.lines() {
        println!("{line}");
    }
    if let Some(e) = &report.file_error {
        bail!("het bestand kan niet worden ingelezen: {e}; er is niets opgeslagen");
    }
    if !report.writes() {
        bail!(
            "{} van de {} rijen hebben fouten; er is niets opgeslagen (met --partial worden de goede rijen wel \
             geïmporteerd)",
            report.error_rows(),
            report.rows.len()
        );
    }
    if dry_run {
        println!("Proefimport: niets opgeslagen.");
    } else {
        println!("Opgeslagen als concept in {}.", info.name);
    }
    Ok(())
}
