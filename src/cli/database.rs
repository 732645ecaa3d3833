//! Commands on the database as a whole: migrations, the demo organisation, the audit chain's check.

use anyhow::bail;

use super::with_database;
use airegister::config::DbArgs;

/// `migrate`: opening the database applies the migrations.
pub async fn migrate(db: &DbArgs) -> anyhow::Result<()> {
    with_database(db, async |_| {
        println!("Migraties toegepast.");
        Ok(())
    })
    .await
}

/// `demo`: load Gemeente Demodam and print its accounts.
pub async fn demo(demo_password: Option<String>, db: &DbArgs) -> anyhow::Result<()> {
    let password = demo_password.unwrap_or_else(airegister::demo::generate_password);
    let loaded = with_database(db, async |db| airegister::demo::load(&db.pool, &password).await).await?;
    println!("Demo geladen: Gemeente Demodam ({} nieuwe toepassingen).", loaded.applications_added);
    for line in airegister::demo::accounts_text(&password) {
        println!("{line}");
    }
    Ok(())
}

/// `audit verify`: check the hash chain, naming the first row that was altered.
pub async fn verify_audit(db: &DbArgs) -> anyhow::Result<()> {
    let v = with_database(db, async |db| Ok(airegister::audit::verify(&db.pool).await?)).await?;
    match v.broken {
        None => {
            println!("Auditspoor intact: {} rijen gecontroleerd.", v.rows);
            Ok(())
        }
        Some((id, reason)) => bail!("auditspoor verbroken bij rij {id}: {reason}"),
    }
}
