//! `airegister literacy import FILE`: the completions import of the literacy page from the command line, with
//! the same checks and report per line; the completions count as confirmed (recorded by "Systeem").

use std::path::Path;

use anyhow::{Context, bail};

use super::publication::pick_organisation;
use super::with_database;
use airegister::audit::Actor;
use airegister::config::DbArgs;
use airegister::literacy::import;

pub async fn import(file: &Path, dry_run: bool, org_code: Option<&str>, db: &DbArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("kan {} niet lezen", file.display()))?;
    if bytes.len() > import::MAX_FILE {
        bail!("{} is groter dan {} MB", file.display(), import::MAX_FILE / (1024 * 1024));
    }
    with_database(db, async |db| {
        let org = pick_organisation(db, org_code).await?;
        let actor = Actor::system("cli import");
        let report = import::run(&db.pool, org, &actor, None, &bytes, dry_run, airegister::web::today()).await?;
        print!("{}", report.text());
        if !report.ok() {
            bail!("er is niets opgeslagen");
        }
        Ok(())
    })
    .await
}
