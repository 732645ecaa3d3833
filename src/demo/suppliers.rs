//! The demo's suppliers: the free text of the demo registrations becomes records (the same matching as the
//! migration, with its report), and two of them get their agreements, so the pages show what a filled-in
//! record and an expiring agreement look like.

use sqlx::PgPool;
use time::{Date, Duration, Month};
use uuid::Uuid;

use crate::audit::Actor;
use crate::register::suppliers::{self, SupplierInput};

fn date(y: i32, m: Month, d: u8) -> Option<Date> {
    Date::from_calendar_date(y, m, d).ok()
}

pub async fn seed(pool: &PgPool, org: Uuid, actor: &Actor) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    suppliers::match_free_text(&mut tx).await?;
    let today = crate::web::today();
    for s in suppliers::list(&mut tx, org, None).await? {
        let filled = match s.input.name.as_str() {
            "Microsoft" => SupplierInput {
                registration_number: Some("NL853876405B01".into()),
                contact: Some("Accountmanager publieke sector, publicsector@microsoft.example".into()),
                data_location: Some("eu".into()),
                dpa_signed_on: date(2024, Month::March, 1),
                // Expiring within the warning period, so the CISO's reminder and the warning show.
                dpa_expires_on: Some(today + Duration::days(40)),
                dpa_link: Some("https://dms.gemeente-voorbeeld.nl/contracten/microsoft-vo-2024".into()),
                training_opt_out: Some(true),
                retention: Some("Invoer en uitvoer niet bewaard na de sessie; logs 30 dagen".into()),
                iso27001_expires_on: date(2027, Month::June, 30),
                iso42001_expires_on: date(2027, Month::December, 31),
                other_certifications: Some("SOC 2 type II".into()),
                exit_arrangements: Some(
                    "Gegevens binnen 90 dagen na einde overeenkomst verwijderd; export via beheerportaal.".into(),
                ),
                ..s.input.clone()
            },
            "OpenAI" => SupplierInput {
                data_location: Some("buiten_eer".into()),
                training_opt_out: Some(false),
                retention: Some("Onbekend (consumentenvoorwaarden)".into()),
                ..s.input.clone()
            },
            _ => continue,
        };
        if let Err(refused) = suppliers::update(&mut tx, org, actor, s.id, s.version, &filled).await? {
            anyhow::bail!("demo supplier {} not saved: {refused:?}", s.input.name);
        }
    }
    tx.commit().await?;
    Ok(())
}
