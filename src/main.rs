//! The `airegister` command line. Thin on purpose: the application lives in the library.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use airegister::auth::roles::Role;
use airegister::auth::{password, users};
use airegister::config::{DbArgs, ServeArgs};
use airegister::db::Database;
use airegister::organisations::{self, OrgInput};
use airegister::web::forms::FormErrors;

#[derive(Parser)]
#[command(
    name = "airegister",
    version,
    about = "AI-register: het register van AI-toepassingen en algoritmes van uw organisatie"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web application (and, without DATABASE_URL, its private PostgreSQL cluster).
    Serve {
        #[command(flatten)]
        serve: ServeArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage organisations.
    Organisation {
        #[command(subcommand)]
        command: OrganisationCommand,
    },
    /// Load the demo organisation "Gemeente Demodam" with one user per role and realistic applications.
    Demo {
        /// The demo users' password (default: a new random one, printed).
        #[arg(long, env = "AIREGISTER_DEMO_PASSWORD")]
        demo_password: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Export the published registrations for the national Algoritmeregister (valid against standard 1.0).
    Export {
        /// algoritmeregister-json (a list of AlgorithmIn bodies), csv (the register's download format) or xlsx.
        #[arg(long, default_value = "algoritmeregister-json")]
        format: String,
        /// Write to this file (default: standard output; xlsx needs --out).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// The organisation's code (needed when there are several).
        #[arg(long)]
        org_code: Option<String>,
        /// The public https address, for the "Link naar bronregistratie" of each entry.
        #[arg(long, env = "AIREGISTER_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import algorithm descriptions (AlgorithmIn JSON, one or a list, or the register's CSV download) as drafts.
    Import {
        /// The file to read.
        file: std::path::PathBuf,
        /// Only check and report per row; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The organisation's code (needed when there are several).
        #[arg(long)]
        org_code: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Personal API tokens for the REST API.
    ApiToken {
        #[command(subcommand)]
        command: ApiTokenCommand,
    },
    /// The Beslishulp AI-verordening (the government's AI Act decision tree).
    Beslishulp {
        #[command(subcommand)]
        command: BeslishulpCommand,
    },
}

#[derive(Subcommand)]
enum BeslishulpCommand {
    /// Walk the decision tree with stored answers and print the outcome as JSON (labels, conclusion,
    /// obligation, roles, system type, risk group); an answer that does not fit names the question.
    Run {
        /// A JSON list of {"questionId": ..., "answer": ...}.
        #[arg(long)]
        answers: std::path::PathBuf,
        /// Another decision-tree.yaml of the same format (default: the configured or built-in tree).
        #[arg(long)]
        tree: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum ApiTokenCommand {
    /// Create a token for a user (e.g. for an integration) and print it; it is shown only this once.
    Add {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// The organisation's code (needed when the user belongs to several).
        #[arg(long)]
        org_code: Option<String>,
        /// Also allow creating drafts (default: read only).
        #[arg(long)]
        write: bool,
        /// Days the token is valid (1 to 365).
        #[arg(long, default_value_t = 90)]
        days: i32,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the audit trail; names the first row that was altered.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user with a password read from standard input (one line).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Role(s): medewerker, projectleider, ciso, fg, directie, beheerder. Repeat or separate with commas.
        #[arg(long = "role", required = true, value_delimiter = ',')]
        roles: Vec<String>,
        /// Organisation code (e.g. gm0344). Optional when there is exactly one organisation; with --org-name
        /// and --org-email a new organisation is created.
        #[arg(long)]
        org_code: Option<String>,
        #[arg(long)]
        org_name: Option<String>,
        #[arg(long)]
        org_email: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum OrganisationCommand {
    /// Add an organisation.
    Add {
        #[arg(long)]
        name: String,
        /// The Algoritmeregister organisation code, e.g. gm0344.
        #[arg(long)]
        code: String,
        /// Functional contact mailbox.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Fout: kan de runtime niet starten: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Fout: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter =
        EnvFilter::try_from_env("AIREGISTER_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("AIREGISTER_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Beslishulp { command: BeslishulpCommand::Run { answers, tree } } => {
            beslishulp_run(&answers, tree.as_deref())
        }
        Command::Export { format, out, org_code, public_url, db } => {
            let format = airegister::publication::export::Format::parse(&format)
                .with_context(|| format!("onbekend formaat '{format}'; kies algoritmeregister-json, csv of xlsx"))?;
            if format == airegister::publication::export::Format::Xlsx && out.is_none() {
                bail!("een Excel-bestand gaat niet naar het scherm; geef --out BESTAND.xlsx");
            }
            let db = Database::open(&db.settings(), false).await?;
            let result = export_register(&db, format, out.as_deref(), org_code.as_deref(), public_url.as_deref()).await;
            db.close().await?;
            result
        }
        Command::Import { file, dry_run, org_code, db } => {
            let bytes = std::fs::read(&file).with_context(|| format!("kan {} niet lezen", file.display()))?;
            if bytes.len() > airegister::publication::import::MAX_FILE {
                bail!("{} is groter dan 10 MB", file.display());
            }
            let db = Database::open(&db.settings(), false).await?;
            let result = import_file(&db, &bytes, dry_run, org_code.as_deref()).await;
            db.close().await?;
            result
        }
        Command::Serve { serve, db } => airegister::server::serve(serve, db).await,
        Command::ApiToken { command: ApiTokenCommand::Add { email, name, org_code, write, days, db } } => {
            if !(1..=365).contains(&days) {
                bail!("--days moet tussen 1 en 365 liggen");
            }
            if name.trim().is_empty() || name.chars().count() > 100 {
                bail!("--name is verplicht en hoogstens 100 tekens");
            }
            let db = Database::open(&db.settings(), false).await?;
            let result = add_api_token(&db, &email, &name, org_code.as_deref(), write, days).await;
            db.close().await?;
            println!("{}", result?);
            Ok(())
        }
        Command::Migrate { db } => {
            let db = Database::open(&db.settings(), false).await?;
            println!("Migraties toegepast.");
            db.close().await
        }
        Command::User { command: UserCommand::Add { email, name, roles, org_code, org_name, org_email, db } } => {
            let roles = parse_roles(&roles)?;
            let password = read_password()?;
            let db = Database::open(&db.settings(), false).await?;
            let result = add_user(&db, &email, &name, &roles, &password, org_code, org_name, org_email).await;
            db.close().await?;
            result
        }
        Command::Demo { demo_password, db } => {
            let password = demo_password.unwrap_or_else(airegister::demo::generate_password);
            let db = Database::open(&db.settings(), false).await?;
            let result = airegister::demo::load(&db.pool, &password).await;
            db.close().await?;
            let loaded = result?;
            println!("Demo geladen: Gemeente Demodam ({} nieuwe toepassingen).", loaded.applications_added);
            for line in airegister::demo::accounts_text(&password) {
                println!("{line}");
            }
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify { db } } => {
            let db = Database::open(&db.settings(), false).await?;
            let result = airegister::audit::verify(&db.pool).await;
            db.close().await?;
            let v = result?;
            match v.broken {
                None => {
                    println!("Auditspoor intact: {} rijen gecontroleerd.", v.rows);
                    Ok(())
                }
                Some((id, reason)) => bail!("auditspoor verbroken bij rij {id}: {reason}"),
            }
        }
        Command::Organisation { command: OrganisationCommand::Add { name, code, email, db } } => {
            let input = OrgInput { org_name: name, org_code: code, org_email: email };
            let mut errors = FormErrors::new();
            let org = input.validate(&mut errors);
            bail_on(&errors)?;
            let db = Database::open(&db.settings(), false).await?;
            let mut conn = db.pool.acquire().await?;
            let result = organisations::create(&mut conn, &org).await;
            drop(conn);
            db.close().await?;
            match result {
                Ok(_) => {
                    println!("Organisatie {} ({}) toegevoegd.", org.name, org.code);
                    Ok(())
                }
                Err(organisations::OrgWriteError::CodeTaken) => {
                    bail!("er is al een organisatie met code {}", org.code)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

async fn add_api_token(
    db: &Database,
    email: &str,
    name: &str,
    org_code: Option<&str>,
    write: bool,
    days: i32,
) -> anyhow::Result<String> {
    let user: Option<(uuid::Uuid, bool)> = sqlx::query!(
        r#"select user_id as "c0!: uuid::Uuid", active as "c1!: bool" from app_user where email = $1"#,
        email.trim().to_lowercase()
    )
    .map(|r| (r.c0, r.c1))
    .fetch_optional(&db.pool)
    .await?;
    let Some((user_id, true)) = user else { bail!("geen actief account met e-mailadres {email}") };
    let orgs: Vec<(uuid::Uuid, String)> = sqlx::query!(
        r#"select distinct o.organisation_id as "c0!: uuid::Uuid",
                 o.code as "c1!: String" from membership m join organisation o using (organisation_id)
          where m.user_id = $1 order by o.code"#,
        user_id
    )
    .map(|r| (r.c0, r.c1))
    .fetch_all(&db.pool)
    .await?;
    let org = match (org_code, orgs.as_slice()) {
        (Some(code), _) => {
            orgs.iter()
                .find(|(_, c)| c == &code.trim().to_lowercase())
                .with_context(|| format!("{email} is geen lid van organisatie {code}"))?
                .0
        }
        (None, [(id, _)]) => *id,
        (None, []) => bail!("{email} is van geen enkele organisatie lid"),
        (None, _) => bail!("{email} is lid van meerdere organisaties; kies er een met --org-code"),
    };
    let token = airegister::api::tokens::issue(&db.pool, user_id, org, name, write, days).await?;
    tracing::info!(event = "api_token_created", user_id = %user_id, organisation_id = %org, can_write = write, days, origin = "cli", "API token created on the command line");
    Ok(token)
}

fn parse_roles(raw: &[String]) -> anyhow::Result<Vec<Role>> {
    let mut roles = Vec::new();
    for r in raw.iter().filter(|r| !r.trim().is_empty()) {
        let role = Role::parse(r)
            .with_context(|| format!("onbekende rol '{r}'; kies uit: {}", Role::ALL.map(|r| r.as_str()).join(", ")))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        bail!("geef minstens één rol met --role");
    }
    Ok(roles)
}

fn read_password() -> anyhow::Result<String> {
    eprintln!("Wachtwoord (één regel op standaardinvoer):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("kan het wachtwoord niet lezen van standaardinvoer")?;
    // Only the line ending is removed: spaces are part of the password (ASVS 6.2.8).
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn bail_on(errors: &FormErrors) -> anyhow::Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = errors.iter().map(|(f, m)| format!("--{}: {m}", f.trim_start_matches("org_"))).collect();
    bail!("{}", lines.join("\n"))
}

#[allow(clippy::too_many_arguments)]
async fn add_user(
    db: &Database,
    email: &str,
    name: &str,
    roles: &[Role],
    password_text: &str,
    org_code: Option<String>,
    org_name: Option<String>,
    org_email: Option<String>,
) -> anyhow::Result<()> {
    let mut errors = FormErrors::new();
    let email = errors.email("email", "het e-mailadres", email);
    let name = errors.required("name", "de naam", name, 200);
    if let Err(msg) = password::check_policy(password_text, &[&email, &name]) {
        errors.add("password", msg);
    }
    bail_on(&errors)?;
    let hash = password::hash(password_text).await?;
    let mut tx = db.pool.begin().await?;
    let org_id = match (&org_code, &org_name, &org_email) {
        (Some(code), Some(oname), Some(oemail)) => {
            let input = OrgInput { org_name: oname.clone(), org_code: code.clone(), org_email: oemail.clone() };
            let mut errors = FormErrors::new();
            let new = input.validate(&mut errors);
            bail_on(&errors)?;
            match organisations::find_by_code(&mut tx, &new.code).await? {
                Some(id) => id,
                None => organisations::create(&mut tx, &new).await?,
            }
        }
        (Some(code), _, _) => organisations::find_by_code(&mut tx, code).await?.with_context(|| {
            format!("geen organisatie met code {code}; geef ook --org-name en --org-email om haar aan te maken")
        })?,
        (None, _, _) => {
            let all = organisations::all_ids(&mut tx).await?;
            match all.as_slice() {
                [only] => *only,
                [] => bail!(
                    "er is nog geen organisatie; geef --org-code, --org-name en --org-email om die meteen aan te maken \
                     (bijv. --org-code gm0344 --org-name \"Gemeente Utrecht\" --org-email ai@utrecht.nl)"
                ),
                _ => bail!("er zijn meerdere organisaties; kies er een met --org-code"),
            }
        }
    };
    let user_id = match users::create_user(&mut tx, &email, &name, Some(&hash)).await {
        Ok(id) => id,
        Err(users::CreateUserError::EmailTaken) => {
            bail!("er bestaat al een account met e-mailadres {email}")
        }
        Err(users::CreateUserError::Db(e)) => return Err(e.into()),
    };
    users::set_roles(&mut tx, user_id, org_id, roles).await?;
    tx.commit().await?;
    println!(
        "Gebruiker {email} toegevoegd met de rol(len) {}.",
        roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}

/// The organisation a command works on: by code, or the only one.
async fn pick_organisation(db: &Database, code: Option<&str>) -> anyhow::Result<uuid::Uuid> {
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
    format: airegister::publication::export::Format,
    out: Option<&std::path::Path>,
    org_code: Option<&str>,
    public_url: Option<&str>,
) -> anyhow::Result<()> {
    use airegister::publication::{algorithm_in, export};
    let org = pick_organisation(db, org_code).await?;
    let info = algorithm_in::org_info(&db.pool, org).await?;
    let links = algorithm_in::Links::new(public_url);
    let (entries, skipped) = export::public_entries(&db.pool, &info, &links).await?;
    for s in &skipped {
        eprintln!("Overgeslagen: {} – {}", s.name, s.problems.join("; "));
    }
    let bytes = export::encode(format, &entries, true)?;
    match out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("kan {} niet schrijven", path.display()))?;
            eprintln!("{} registraties geëxporteerd naar {}.", entries.len(), path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(&bytes)?;
        }
    }
    Ok(())
}

async fn import_file(db: &Database, bytes: &[u8], dry_run: bool, org_code: Option<&str>) -> anyhow::Result<()> {
    use airegister::publication::{algorithm_in, import};
    let org = pick_organisation(db, org_code).await?;
    let info = algorithm_in::org_info(&db.pool, org).await?;
    let actor = airegister::audit::Actor::system("cli import");
    let report = import::run(&db.pool, &info, &actor, None, bytes, dry_run).await?;
    for line in report.lines() {
        println!("{line}");
    }
    if let Some(e) = &report.file_error {
        bail!("het bestand kan niet worden ingelezen: {e}; er is niets opgeslagen");
    }
    if !report.ok() {
        bail!("{} van de {} rijen hebben fouten; er is niets opgeslagen", report.error_rows(), report.rows.len());
    }
    if dry_run {
        println!("Proefimport: {} rijen in orde, niets opgeslagen.", report.rows.len());
    } else {
        println!("{} registraties als concept opgeslagen in {}.", report.written, info.name);
    }
    Ok(())
}

fn beslishulp_run(answers: &std::path::Path, tree: Option<&std::path::Path>) -> anyhow::Result<()> {
    use airegister::aiact::{self, engine, tree::Tree};
    let loaded;
    let tree: &Tree = match tree {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
            loaded = Tree::parse(&path.display().to_string(), &text)?;
            &loaded
        }
        None => aiact::load()?,
    };
    let text = std::fs::read_to_string(answers).with_context(|| format!("kan {} niet lezen", answers.display()))?;
    let steps: Vec<engine::Step> = serde_json::from_str(&text).with_context(|| {
        format!("{}: verwacht een JSON-lijst van {{\"questionId\": ..., \"answer\": ...}}", answers.display())
    })?;
    let outcome = engine::run(tree, &steps)?;
    let Some(conclusion_id) = &outcome.conclusion_id else {
        bail!(
            "de antwoorden houden op bij vraag {} zonder conclusie",
            outcome.next_question_id.as_deref().unwrap_or("?")
        );
    };
    let out = serde_json::json!({
        "tree": {"name": tree.name, "version": tree.version},
        "labels": outcome.labels,
        "conclusionId": conclusion_id,
        "conclusion": outcome.conclusion,
        "obligation": outcome.obligation,
        "subresults": outcome.subresults,
        "roles": outcome.roles,
        "systemType": outcome.system_type,
        "riskGroup": outcome.risk_group,
        "transparency": outcome.transparency,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
