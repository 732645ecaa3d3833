//! Part of the `airegister` binary (src/main.rs), not of the library: the command line's commands. `args`
//! defines them for clap; each sibling file holds the bodies of one group of commands, which call into the
//! library.

mod accounts;
mod args;
mod beslishulp;
mod database;
mod literacy;
mod prescan;
mod publication;
mod tokens;

use airegister::config::DbArgs;
use airegister::db::Database;
use airegister::publication::import::Mode;

pub use args::Cli;
use args::{
    ApiTokenCommand, AuditCommand, BeslishulpCommand, Command, LiteracyCommand, OrganisationCommand, PrescanCommand,
    ScimTokenCommand, UserCommand,
};

/// Run one command to its end.
pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Beslishulp { command: BeslishulpCommand::Run { answers, tree } } => {
            beslishulp::run(&answers, tree.as_deref())
        }
        Command::Prescan { command: PrescanCommand::Run { answers } } => prescan::run(&answers),
        Command::Reference => {
            beslishulp::reference();
            Ok(())
        }
        Command::Export { format, out, org_code, public_url, db } => {
            publication::export(&format, out.as_deref(), org_code.as_deref(), public_url.as_deref(), &db).await
        }
        Command::Import { file, dry_run, partial, drafts, org_code, db } => {
            let mode = match (partial, drafts) {
                (false, _) => Mode::AllOrNothing,
                (true, false) => Mode::Partial,
                (true, true) => Mode::PartialWithDrafts,
            };
            publication::import(&file, dry_run, mode, org_code.as_deref(), &db).await
        }
        Command::Literacy { command: LiteracyCommand::Import { file, dry_run, org_code, db } } => {
            literacy::import(&file, dry_run, org_code.as_deref(), &db).await
        }
        // The demo keeps to its own data directory (unless one is given), so it never mixes with real data.
        Command::Serve { serve, db } if serve.demo => airegister::server::serve(serve, db.for_demo()).await,
        Command::Serve { serve, db } => airegister::server::serve(serve, db).await,
        Command::ApiToken { command: ApiTokenCommand::Add { email, name, org_code, write, days, db } } => {
            let token = tokens::TokenRequest { email, name, org_code, write, days };
            tokens::add(&token, &db).await
        }
        Command::ScimToken { command: ScimTokenCommand::Create { organisation, name, db } } => {
            tokens::add_scim(&organisation, &name, &db).await
        }
        Command::Migrate { db } => database::migrate(&db).await,
        Command::User { command: UserCommand::Add { email, name, roles, org_code, org_name, org_email, db } } => {
            let org = accounts::OrgChoice { code: org_code, name: org_name, email: org_email };
            accounts::add_user(&email, &name, &roles, &org, &db).await
        }
        Command::Demo { demo_password, db } => database::demo(demo_password, &db.for_demo()).await,
        Command::Audit { command: AuditCommand::Verify { db } } => database::verify_audit(&db).await,
        Command::Organisation { command: OrganisationCommand::Add { name, code, email, db } } => {
            accounts::add_organisation(name, code, email, &db).await
        }
    }
}

/// Open the database (applying migrations), do the work, and close it again, also when the work failed; a
/// failure to close wins over the work's own result, as it is the later one.
async fn with_database<T>(args: &DbArgs, work: impl AsyncFnOnce(&Database) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let db = Database::open(&args.settings(), false).await?;
    let result = work(&db).await;
    db.close().await?;
    result
}
