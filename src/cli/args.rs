//! The command line's commands and their arguments (clap); what each command does is in the sibling files.

use clap::{Parser, Subcommand};

use airegister::config::{DbArgs, ServeArgs};

#[derive(Parser)]
#[command(
    name = "airegister",
    version,
    about = "AI-register: het register van AI-toepassingen en algoritmes van uw organisatie"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// Import the rows that are in order and report the others (default: all or nothing).
        #[arg(long)]
        partial: bool,
        /// With --partial: the rows that are not in order too, as drafts with what fits.
        #[arg(long, requires = "partial")]
        drafts: bool,
        /// The organisation's code (needed when there are several).
        #[arg(long)]
        org_code: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// AI-literacy records.
    Literacy {
        #[command(subcommand)]
        command: LiteracyCommand,
    },
    /// Personal API tokens for the REST API.
    ApiToken {
        #[command(subcommand)]
        command: ApiTokenCommand,
    },
    /// SCIM provisioning tokens of an organisation (for Entra ID's "Secret Token").
    ScimToken {
        #[command(subcommand)]
        command: ScimTokenCommand,
    },
    /// The Beslishulp AI-verordening (the government's AI Act decision tree).
    Beslishulp {
        #[command(subcommand)]
        command: BeslishulpCommand,
    },
    /// The Pre-scan DPIA (the government's questionnaire: is a DPIA, DTIA, KIA or IAMA needed?).
    Prescan {
        #[command(subcommand)]
        command: PrescanCommand,
    },
    /// List the reference data as loaded (decision tree, definitions, Pre-scan DPIA, DPIA, IAMA, register
    /// schema): name, version, content hash (SHA-256, short) and source.
    Reference,
}

#[derive(Subcommand)]
pub enum PrescanCommand {
    /// Evaluate an answer set as the government's tool does and print the verdict as JSON (per assessment
    /// required / recommended / not_needed, the criteria that fired, the scores); a wrong answer names its
    /// question and exits 1. Answers of hidden questions are ignored.
    Run {
        /// A JSON object question id -> answer: true/false, an option value, a list of option values, text.
        #[arg(long)]
        answers: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum BeslishulpCommand {
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
pub enum LiteracyCommand {
    /// Import completed trainings from a learning platform's CSV file (e-mail, training, datum, certificaat):
    /// every line is checked and reported; nothing is written unless all are in order.
    Import {
        /// The file to read.
        file: std::path::PathBuf,
        /// Only check and report per line; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The organisation's code (needed when there are several).
        #[arg(long)]
        org_code: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
pub enum ApiTokenCommand {
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
pub enum ScimTokenCommand {
    /// Create a SCIM token for an organisation and print it; it is shown only this once.
    Create {
        /// The organisation's code.
        #[arg(long)]
        organisation: String,
        /// What the token is for.
        #[arg(long, default_value = "SCIM-provisioning")]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the audit trail; names the first row that was altered.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
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
pub enum OrganisationCommand {
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
