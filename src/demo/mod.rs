//! Demo data from the seeds: the organisation "Gemeente Demodam", one user per role sharing one password,
//! and realistic registrations (seed 003's tool table, seed 001's categories, seed 002's agents) in varied
//! states and risk levels. Applications go through the same validation as the web form.

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::roles::Role;
use crate::auth::{password, users};
use crate::organisations::{self, NewOrg};
use crate::register::form::FormData;
use crate::register::lifecycle::{self, Ctx, Draft};
use crate::register::machine::WorkflowStatus;
use crate::register::store;

pub const DEMO_ORG_CODE: &str = "gm9999";

/// The demo accounts: (e-mail, name, role).
pub const DEMO_USERS: [(&str, &str, Role); 6] = [
    ("medewerker@demo.example", "Mila de Medewerker", Role::Medewerker),
    ("projectleider@demo.example", "Pim Projectleider", Role::Projectleider),
    ("ciso@demo.example", "Cas Visser (CISO)", Role::Ciso),
    ("fg@demo.example", "Fenna Gerritsen (FG)", Role::Fg),
    ("directie@demo.example", "Dirk de Directeur", Role::Directie),
    ("beheerder@demo.example", "Bea Beheer", Role::Beheerder),
];

/// A password people can type: four groups of four letters/digits (80 bits).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    let chars: Vec<char> = buf.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// What to tell the person who started the demo.
pub fn accounts_text(password: &str) -> Vec<String> {
    let mut lines = vec![format!("Demo-accounts (wachtwoord voor alle accounts: {password}):")];
    lines.extend(DEMO_USERS.iter().map(|(email, _, role)| format!("  {email:<30} {}", role.label())));
    lines
}

pub struct Loaded {
    pub organisation_id: Uuid,
    pub applications_added: usize,
}

/// Load the demo (idempotent: the organisation and users are reused, passwords reset to `password`,
/// applications added only when the demo register is empty).
pub async fn load(pool: &PgPool, password_text: &str) -> anyhow::Result<Loaded> {
    password::check_policy(password_text, &[]).map_err(|m| anyhow::anyhow!("demo-wachtwoord: {m}"))?;
    let hash = password::hash(password_text).await?;
    let actor = Actor::system("demo");
    let mut tx = pool.begin().await?;
    let org = match organisations::find_by_code(&mut tx, DEMO_ORG_CODE).await? {
        Some(id) => id,
        None => {
            let new = NewOrg {
                name: "Gemeente Demodam".into(),
                code: DEMO_ORG_CODE.into(),
                contact_email: "algoritmes@demodam.example".into(),
            };
            organisations::create(&mut tx, &new).await?
        }
    };
    let mut ids = Vec::new();
    for (email, name, role) in DEMO_USERS {
        let existing: Option<Uuid> = sqlx::query_scalar!("select user_id from app_user where email = $1", email)
            .fetch_optional(&mut *tx)
            .await?;
        let id = match existing {
            Some(id) => {
                users::set_password(&mut tx, id, &hash).await?;
                sqlx::query!("update app_user set active = true where user_id = $1", id).execute(&mut *tx).await?;
                id
            }
            None => users::create_user(&mut tx, email, name, Some(&hash)).await?,
        };
        let mut roles = vec![role];
        if role != Role::Medewerker {
            roles.insert(0, Role::Medewerker);
        }
        users::set_roles(&mut tx, id, org, &roles).await?;
        ids.push((role, id));
    }
    audit::record(
        &mut tx,
        Event {
            organisation_id: Some(org),
            actor: &actor,
            action: "demo.loaded",
            object_type: "organisation",
            object_id: Some(org),
            before: None,
            after: Some(serde_json::json!({"users": DEMO_USERS.map(|u| u.0)})),
        },
    )
    .await?;
    tx.commit().await?;

    let count: i64 = sqlx::query_scalar!(r#"select count(*) as "v!" from application where organisation_id = $1"#, org)
        .fetch_one(pool)
        .await?;
    let mut added = 0;
    if count == 0 {
        let user = |r: Role| ids.iter().find(|(role, _)| *role == r).map(|(_, id)| id.to_string()).unwrap_or_default();
        for app in applications() {
            let mut form = FormData::default();
            for (k, v) in app.fields {
                let v = match *v {
                    "@projectleider" => user(Role::Projectleider),
                    "@medewerker" => user(Role::Medewerker),
                    "@directie" => user(Role::Directie),
                    "@ciso" => user(Role::Ciso),
                    "@fg" => user(Role::Fg),
                    other => other.to_string(),
                };
                form.push(k, v);
            }
            for (i, class) in crate::register::fields::DATA_CLASSES.iter().enumerate() {
                let p = match app.matrix.as_bytes().get(i) {
                    Some(b'T') => "toegestaan",
                    Some(b'O') => "onder_voorwaarden",
                    Some(b'V') => "verboden",
                    _ => continue,
                };
                form.push(class.value, p);
            }
            let creator = ids.iter().find(|(r, _)| *r == app.creator).map(|(_, id)| *id);
            let id = create(pool, org, &actor, creator, &form, app.status)
                .await
                .with_context(|| format!("demo-toepassing {}", form.get("name")))?;
            if let Some((level, motivation)) = app.override_risk {
                let mut tx = pool.begin().await?;
                sqlx::query!(
                    "update application set risk_level_override = $2, risk_override_motivation = $3,
                            risk_override_by = $4, version = version + 1 where application_id = $1",
                    id,
                    level,
                    motivation,
                    ids.iter().find(|(r, _)| *r == Role::Ciso).map(|(_, id)| *id)
                )
                .execute(&mut *tx)
                .await?;
                audit::record(
                    &mut tx,
                    Event {
                        organisation_id: Some(org),
                        actor: &actor,
                        action: "application.risk_override",
                        object_type: "application",
                        object_id: Some(id),
                        before: None,
                        after: Some(
                            serde_json::json!({"risk_level_override": level, "risk_override_motivation": motivation}),
                        ),
                    },
                )
                .await?;
                tx.commit().await?;
            }
            added += 1;
        }
        let who = |r: Role| ids.iter().find(|(role, _)| *role == r).map(|(_, id)| *id);
        seed_workflow(pool, org, who(Role::Ciso), who(Role::Fg), who(Role::Medewerker)).await?;
    }
    Ok(Loaded { organisation_id: org, applications_added: added })
}

/// One demo registration: the web form's validation and the register's one create pipeline, then put at its
/// status as if its history had happened.
async fn create(
    pool: &PgPool,
    org: Uuid,
    actor: &Actor,
    created_by: Option<Uuid>,
    form: &FormData,
    status: &str,
) -> anyhow::Result<Uuid> {
    let status = WorkflowStatus::parse(status).with_context(|| format!("onbekende status {status}"))?;
    let members = store::members(pool, org).await?;
    let draft = Draft::validate(form, &members).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        anyhow::anyhow!("{}: {}", form.get("name"), lines.join("; "))
    })?;
    let ctx = Ctx { org, actor, members: &members };
    let mut tx = pool.begin().await?;
    let stored = lifecycle::create(&mut tx, &ctx, created_by, &draft, false).await?;
    let stored = lifecycle::seed_status(&mut tx, &ctx, &stored, status).await?;
    tx.commit().await?;
    Ok(stored.id)
}

/// The workflow around the demo registrations: the CISO's decisions with conditions and reasons, FG advice
/// where personal data is involved, evaluation dates (one overdue), an incident, and the notifications a
/// CISO and FG would have waiting.
async fn seed_workflow(
    pool: &PgPool,
    org: Uuid,
    ciso: Option<Uuid>,
    fg: Option<Uuid>,
    employee: Option<Uuid>,
) -> anyhow::Result<()> {
    use crate::register::notices::{Kind, Note, send};
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update application set submitted_by = created_by where organisation_id = $1 and submitted_at is not null",
        org
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into review_decision (decision_id, application_id, decision, note, decided_by, decided_at)
         select gen_random_uuid(), application_id,
                case when workflow_status in ('in_gebruik', 'buiten_gebruik') then 'goedgekeurd' else workflow_status end,
                case workflow_status
                    when 'goedgekeurd_onder_voorwaarden' then 'Alleen met de gegevens die de tabel toestaat; geen persoonsgegevens of vertrouwelijke informatie.'
                    when 'afgewezen' then 'Gegevens worden buiten de EER verwerkt en er zijn geen afspraken over training op onze gegevens.'
                end,
                $2, submitted_at + interval '5 days'
         from application where organisation_id = $1
           and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'afgewezen', 'in_gebruik', 'buiten_gebruik')",
        org,
        ciso
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "insert into fg_advice (advice_id, application_id, advice, note, given_by, given_at)
         select gen_random_uuid(), a.application_id, 'positief', 'Verwerkersovereenkomst en DPIA zijn in orde.', $2,
                a.submitted_at + interval '3 days'
         from application a where a.organisation_id = $1 and {}
           and a.workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')",
        crate::register::gates::PERSONAL_DATA_SQL
    ))
    .bind(org)
    .bind(fg)
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update application set next_evaluation = coalesce(next_evaluation, (submitted_at + interval '1 year')::date)
         where organisation_id = $1 and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')",
        org
    )
    .execute(&mut *tx)
    .await?;
    // The oldest tool in use is overdue for its evaluation.
    sqlx::query!(
        "update application set next_evaluation = current_date - 14 where application_id = (
             select application_id from application where organisation_id = $1 and workflow_status = 'in_gebruik'
             order by begin_date nulls last, name limit 1)",
        org
    )
    .execute(&mut *tx)
    .await?;
    let incident: Option<(Uuid, String)> = sqlx::query!(
        r#"select application_id as "c0!: Uuid",
                 name as "c1!: String" from application where organisation_id = $1 and workflow_status = 'in_gebruik'
           and generative order by name limit 1"#,
        org
    )
    .map(|r| (r.c0, r.c1))
    .fetch_optional(&mut *tx)
    .await?;
    let ciso_fg: Vec<Uuid> = [ciso, fg].into_iter().flatten().collect();
    if let Some((app, name)) = incident {
        sqlx::query!(
            "insert into incident (incident_id, organisation_id, application_id, kind, severity, description, reported_by)
             values ($1, $2, $3, 'onjuiste_uitvoer', 'middel',
                     'De tool gaf een verkeerde datum voor de raadsvergadering in een conceptbrief; de fout is vóór verzending gezien.', $4)",
            Uuid::now_v7(),
            org,
            app,
            employee
        )
        .execute(&mut *tx)
        .await?;
        let message = format!("Incident gemeld bij {name}: onjuiste uitvoer (ernst middel).");
        let link = format!("/register/{app}/incidenten");
        let n = Note {
            organisation_id: org,
            kind: Kind::Incident,
            application_id: Some(app),
            message: &message,
            link: &link,
        };
        send(&mut tx, &ciso_fg, None, &n).await?;
    }
    let waiting: Vec<(Uuid, String, bool)> = sqlx::query_as(&format!(
        "select a.application_id, a.name, {} from application a
         where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling') order by a.name",
        crate::register::gates::PERSONAL_DATA_SQL
    ))
    .bind(org)
    .fetch_all(&mut *tx)
    .await?;
    for (app, name, personal) in waiting {
        let link = format!("/register/{app}/beoordeling");
        let message = format!("{name} is ingediend en wacht op beoordeling.");
        let n = Note {
            organisation_id: org,
            kind: Kind::Submitted,
            application_id: Some(app),
            message: &message,
            link: &link,
        };
        send(&mut tx, &ciso.into_iter().collect::<Vec<_>>(), None, &n).await?;
        if personal {
            let message = format!("{name} vraagt om advies van de FG (persoonsgegevens).");
            let n = Note {
                organisation_id: org,
                kind: Kind::AdviceRequested,
                application_id: Some(app),
                message: &message,
                link: &link,
            };
            send(&mut tx, &fg.into_iter().collect::<Vec<_>>(), None, &n).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

struct DemoApp {
    status: &'static str,
    creator: Role,
    /// The data-class matrix in DATA_CLASSES order: T(oegestaan), O(nder voorwaarden), V(erboden), - open.
    matrix: &'static str,
    override_risk: Option<(&'static str, &'static str)>,
    fields: &'static [(&'static str, &'static str)],
}

/// Fields every complete demo registration shares.
macro_rules! complete {
    ($($k:literal => $v:literal),* $(,)?) => {
        &[
            $(($k, $v),)*
            ("owner_id", "@projectleider"),
            ("contact_email", "algoritmes@demodam.example"),
            ("rasci_A_user", "@directie"),
            ("rasci_R_user", "@projectleider"),
            ("rasci_C_user", "@ciso"),
            ("rasci_C_user", "@fg"),
            ("rasci_I_function", "Alle medewerkers van de afdeling"),
        ]
    };
}

fn applications() -> Vec<DemoApp> {
    vec![
        DemoApp {
            status: "in_gebruik",
            creator: Role::Projectleider,
            matrix: "TVVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "ChatGPT (gratis)", "attention_points" => "Indexeert alle gegevens die u uploadt en verwerkt deze voor commerciële marketingdoeleinden. Alleen openbare documenten zonder persoonsgegevens.",
                "description_short" => "Chatbot van OpenAI voor het opstellen van teksten, samenvatten en brainstormen met openbare informatie.",
                "provider" => "OpenAI",
                "department" => "Communicatie",
                "use_category" => "algemeen_gebruik",
                "deployment" => "openbare_webdienst",
                "licence_type" => "consument",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In gebruik", "begin_date" => "2023-05",
                "goal" => "Medewerkers gebruiken ChatGPT als hulpmiddel bij het schrijven van concepten en het bedenken van ideeën.\n\nAlleen met openbare informatie, nooit met persoonsgegevens of vertrouwelijke stukken.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "buiten_eer",
                "training_opt_out" => "nee", "retention_agreed" => "nee",
                "human_intervention" => "De medewerker controleert elke uitkomst voordat die wordt gebruikt.",
                "risks" => "- Onjuiste informatie (hallucinaties)\n- Invoer wordt gebruikt voor training\n- Gegevens buiten de EER",
                "publication_category" => "Overige algoritmes",
                "checklist" => "doel", "checklist" => "verantwoordelijken", "checklist" => "training",
                "next_evaluation" => "2027-05-01", "tags" => "chatbot, tekst, generatieve AI",
                "category" => "Organisatie en bedrijfsvoering",
                "ai_act_risk_group" => "geen hoog-risico AI",
            },
        },
        DemoApp {
            status: "goedgekeurd",
            creator: Role::Projectleider,
            matrix: "TOVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "ChatGPT Team", "publish" => "ja",
                "description_short" => "Zakelijke versie van ChatGPT met een verwerkersovereenkomst; invoer wordt niet gebruikt voor training.",
                "provider" => "OpenAI",
                "department" => "Informatievoorziening",
                "use_category" => "interne_productiviteit",
                "deployment" => "openbare_webdienst",
                "licence_type" => "organisatie",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In gebruik", "begin_date" => "2025-02",
                "goal" => "Ondersteuning bij het schrijven en samenvatten van interne documenten zonder persoonsgegevens.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "eu",
                "training_opt_out" => "ja", "retention_agreed" => "ja",
                "agreement_data_use" => "ja", "agreement_retention" => "ja", "agreement_training" => "ja",
                "supplier_agreements_note" => "Verwerkersovereenkomst en zakelijke voorwaarden, getekend februari 2025.",
                "publication_category" => "Overige algoritmes",
                "checklist" => "doel", "checklist" => "risicoanalyse", "checklist" => "privacy", "checklist" => "leveranciersafspraken", "checklist" => "verantwoordelijken",
                "next_evaluation" => "2027-02-01", "tags" => "chatbot, tekst",
                "ai_act_risk_group" => "geen hoog-risico AI",
            },
        },
        DemoApp {
            status: "in_beoordeling",
            creator: Role::Projectleider,
            matrix: "TTOOVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "Microsoft 365 Copilot",
                "description_short" => "AI-assistent in Word, Outlook, Teams en Excel die werkt met de documenten en e-mail waar de medewerker toegang toe heeft.",
                "provider" => "Microsoft",
                "department" => "Informatievoorziening",
                "use_category" => "interne_productiviteit",
                "deployment" => "ingebed",
                "licence_type" => "organisatie",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In ontwikkeling", "begin_date" => "2026-09",
                "goal" => "Medewerkers sneller laten werken met eigen documenten: samenvatten van vergaderingen, concepten van brieven en analyses in Excel.",
                "interaction" => "intern", "personal_data" => "ja", "special_categories" => "nee", "data_location" => "eu",
                "training_opt_out" => "ja", "retention_agreed" => "ja",
                "agreement_data_use" => "ja", "agreement_retention" => "ja", "agreement_training" => "ja",
                "human_oversight" => "Pilotgroep van 40 medewerkers; maandelijkse evaluatie met de CISO.",
                "fallback_scenario" => "Copilot kan per gebruiker worden uitgezet; het werk gaat zonder AI door.",
                "publication_category" => "Overige algoritmes",
                "impacttoetsen_grouping_title" => "Data Protection Impact Assessment (DPIA)", "impacttoetsen_grouping_link" => "",
                "checklist" => "doel", "checklist" => "risicoanalyse", "checklist" => "privacy",
                "tags" => "copilot, office, samenvatten",
                "ai_act_risk_group" => "geen hoog-risico AI",
            },
        },
        DemoApp {
            status: "in_gebruik",
            creator: Role::Medewerker,
            matrix: "TVVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "Copilot desktop Windows 11 (gratis)", "publish" => "ja", "attention_points" => "Indexeert alle gegevens die u uploadt en verwerkt deze voor commerciële marketingdoeleinden. Alleen openbare documenten zonder persoonsgegevens.",
                "description_short" => "De gratis Copilot in Windows 11. Indexeert geüploade gegevens en verwerkt ze voor commerciële doeleinden.",
                "provider" => "Microsoft",
                "department" => "Burgerzaken",
                "use_category" => "algemeen_gebruik",
                "deployment" => "openbare_webdienst",
                "licence_type" => "consument",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In gebruik",
                "goal" => "Alleen voor openbare documenten zonder persoonsgegevens.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "onbekend",
                "publication_category" => "Overige algoritmes",
                "next_evaluation" => "2026-06-01", "tags" => "copilot, gratis",
            },
        },
        DemoApp {
            status: "in_gebruik",
            creator: Role::Medewerker,
            matrix: "TVVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "Bing chat (gratis)", "attention_points" => "Indexeert alle gegevens die u uploadt en verwerkt deze voor commerciële marketingdoeleinden. Alleen openbare documenten zonder persoonsgegevens.",
                "description_short" => "Zoekmachine met chatfunctie van Microsoft; alleen voor openbare informatie.",
                "provider" => "Microsoft",
                "department" => "Communicatie",
                "use_category" => "algemeen_gebruik",
                "deployment" => "openbare_webdienst",
                "licence_type" => "consument",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In gebruik",
                "goal" => "Opzoeken van openbare achtergrondinformatie.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "onbekend",
                "publication_category" => "Overige algoritmes",
                "next_evaluation" => "2027-01-15", "tags" => "zoeken, chat",
            },
        },
        DemoApp {
            status: "goedgekeurd_onder_voorwaarden",
            creator: Role::Medewerker,
            matrix: "TVVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "Gemini (gratis)", "publish" => "ja", "attention_points" => "Indexeert alle gegevens die u uploadt en verwerkt deze voor commerciële marketingdoeleinden. Alleen openbare documenten zonder persoonsgegevens.",
                "description_short" => "Chatbot van Google voor teksten en ideeën met openbare informatie.",
                "provider" => "Google",
                "department" => "Economische zaken",
                "use_category" => "algemeen_gebruik",
                "deployment" => "openbare_webdienst",
                "licence_type" => "consument",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In gebruik",
                "goal" => "Ondersteuning bij het schrijven van openbare teksten.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "buiten_eer",
                "publication_category" => "Overige algoritmes",
                "next_evaluation" => "2027-03-01", "tags" => "chatbot",
            },
        },
        DemoApp {
            status: "afgewezen",
            creator: Role::Medewerker,
            matrix: "VVVVVVVV",
            override_risk: Some((
                "hoog",
                "Gegevens worden in China opgeslagen, zonder verwerkersovereenkomst; de tool is verboden.",
            )),
            fields: complete! {
                "name" => "DeepSeek (gratis)",
                "description_short" => "Chatbot van het Chinese DeepSeek. Verboden: gegevens gaan naar servers buiten de EER zonder afspraken.",
                "provider" => "DeepSeek",
                "department" => "Informatievoorziening",
                "use_category" => "algemeen_gebruik",
                "deployment" => "openbare_webdienst",
                "licence_type" => "consument",
                "generative" => "ja", "agentic" => "nee",
                "status" => "Buiten gebruik",
                "goal" => "Aangevraagd voor het schrijven van code; afgewezen.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "buiten_eer",
                "publication_category" => "Overige algoritmes",
                "tags" => "verboden",
                "ai_act_risk_group" => "geen hoog-risico AI",
            },
        },
        DemoApp {
            status: "ingediend",
            creator: Role::Medewerker,
            matrix: "TOVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "Descript",
                "description_short" => "Bewerken van audio en video via de automatische transcriptie, voor podcasts en voorlichtingsvideo's.",
                "provider" => "Descript Inc.",
                "department" => "Communicatie",
                "use_category" => "interne_productiviteit",
                "deployment" => "cloud",
                "licence_type" => "organisatie",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In ontwikkeling",
                "goal" => "Sneller ondertitelen en monteren van voorlichtingsvideo's.",
                "interaction" => "extern", "personal_data" => "nee", "data_location" => "buiten_eer",
                "publication_category" => "Overige algoritmes",
                "tags" => "video, audio, transcriptie",
            },
        },
        DemoApp {
            status: "goedgekeurd_onder_voorwaarden",
            creator: Role::Medewerker,
            matrix: "TVVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "Midjourney",
                "description_short" => "Beeldgenerator voor illustraties bij nieuwsberichten en campagnes.",
                "provider" => "Midjourney Inc.",
                "department" => "Communicatie",
                "use_category" => "algemeen_gebruik",
                "deployment" => "openbare_webdienst",
                "licence_type" => "consument",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In gebruik",
                "goal" => "Illustraties maken; elke afbeelding krijgt de vermelding dat die met AI is gemaakt.",
                "interaction" => "extern", "personal_data" => "nee", "data_location" => "buiten_eer",
                "publication_category" => "Overige algoritmes",
                "next_evaluation" => "2026-09-01", "tags" => "beeld, illustratie",
            },
        },
        DemoApp {
            status: "concept",
            creator: Role::Medewerker,
            matrix: "TT------",
            override_risk: None,
            fields: &[
                ("name", "Notion AI"),
                ("description_short", "AI-functies in Notion voor het samenvatten van projectnotities."),
                ("provider", "Notion Labs"),
                ("department", "Ruimtelijke ontwikkeling"),
                ("licence_type", "organisatie"),
                ("owner_id", "@medewerker"),
            ],
        },
        DemoApp {
            status: "in_gebruik",
            creator: Role::Projectleider,
            matrix: "TTVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "GitHub Copilot", "publish" => "ja",
                "description_short" => "Programmeerhulp die code voorstelt in de ontwikkelomgeving van de eigen ontwikkelaars.",
                "provider" => "GitHub (Microsoft)",
                "department" => "Informatievoorziening",
                "use_category" => "interne_productiviteit",
                "deployment" => "ingebed",
                "licence_type" => "organisatie",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In gebruik", "begin_date" => "2024-10",
                "goal" => "Ontwikkelaars schrijven sneller en met minder fouten code voor de eigen webformulieren.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "eu",
                "training_opt_out" => "ja", "agreement_training" => "ja", "agreement_data_use" => "ja",
                "methods_and_models" => "Groot taalmodel, via de Business-licentie; code wordt niet bewaard.",
                "publiccode" => "https://github.com/demodam/webformulieren",
                "publication_category" => "Overige algoritmes",
                "next_evaluation" => "2026-10-01", "tags" => "code, ontwikkeling",
                "ai_act_risk_group" => "geen hoog-risico AI",
            },
        },
        DemoApp {
            status: "in_beoordeling",
            creator: Role::Projectleider,
            matrix: "TTVOVVOV",
            override_risk: None,
            fields: complete! {
                "name" => "Chatbot Gemeentelijke Dienstverlening", "publish" => "ja",
                "description_short" => "Chatbot op de website die inwoners 24 uur per dag antwoord geeft op veelgestelde vragen over afval, paspoorten en vergunningen.",
                "provider" => "Leverancier Dialoog BV",
                "department" => "Klantcontactcentrum",
                "use_category" => "klantprojecten",
                "deployment" => "cloud",
                "licence_type" => "organisatie",
                "generative" => "ja", "agentic" => "nee",
                "status" => "In ontwikkeling", "begin_date" => "2026-12",
                "goal" => "Inwoners sneller helpen met eenvoudige vragen, zodat medewerkers meer tijd hebben voor ingewikkelde vragen.\n\nDe chatbot neemt geen besluiten en verwijst bij twijfel door naar een medewerker.",
                "target_group" => "Inwoners en ondernemers",
                "interaction" => "extern", "personal_data" => "ja", "special_categories" => "nee", "data_location" => "eu",
                "training_opt_out" => "ja", "retention_agreed" => "ja",
                "agreement_data_use" => "ja", "agreement_retention" => "ja", "agreement_training" => "ja",
                "human_intervention" => "Gesprekken worden steekproefsgewijs nagekeken; inwoners kunnen altijd een medewerker vragen.",
                "fallback_scenario" => "Bij storing verwijst de website naar het telefoonnummer 14 0XXX.",
                "lawful_basis" => "Publieke taak (AVG artikel 6 lid 1 sub e).",
                "lawful_basis_grouping_title" => "Algemene verordening gegevensbescherming", "lawful_basis_grouping_link" => "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
                "publication_category" => "Impactvolle algoritmes",
                "category" => "Organisatie en bedrijfsvoering",
                "tags" => "chatbot, dienstverlening, inwoners",
                "ai_act_risk_group" => "geen hoog-risico AI",
            },
        },
        DemoApp {
            status: "in_gebruik",
            creator: Role::Projectleider,
            matrix: "TTOTVVVT",
            override_risk: None,
            fields: complete! {
                "name" => "Waarderen WOZ-objecten", "publish" => "ja",
                "description_short" => "Rekenmodel dat de WOZ-waarde van woningen schat met verkoopprijzen en woningkenmerken; een taxateur controleert elke waarde.",
                "provider" => "Eigen ontwikkeling met leverancier Taxatie BV",
                "department" => "Belastingen",
                "use_category" => "klantprojecten",
                "deployment" => "lokaal",
                "licence_type" => "organisatie",
                "generative" => "nee", "agentic" => "nee",
                "status" => "In gebruik", "begin_date" => "2019-01",
                "goal" => "Jaarlijks de waarde van alle woningen en bedrijfspanden in de gemeente bepalen voor de WOZ-beschikking.",
                "target_group" => "Eigenaren en huurders van onroerend goed",
                "interaction" => "extern", "personal_data" => "ja", "special_categories" => "nee", "data_location" => "eu",
                "human_intervention" => "Een taxateur beoordeelt de modelwaarde en stelt de definitieve waarde vast.",
                "proportionality" => "Modelmatig waarderen is sneller en consistenter dan alle woningen met de hand taxeren; bezwaar blijft altijd mogelijk.",
                "website" => "https://www.demodam.example/woz",
                "risks" => "Onjuiste waardering bij bijzondere woningen; daarom altijd controle door een taxateur.",
                "lawful_basis" => "Wet waardering onroerende zaken.",
                "lawful_basis_grouping_title" => "Wet waardering onroerende zaken", "lawful_basis_grouping_link" => "https://wetten.overheid.nl/BWBR0007119",
                "source_data" => "Basisregistratie WOZ, BAG, verkoopcijfers van het Kadaster.",
                "methods_and_models" => "Vergelijkingsmethode met een regressiemodel.",
                "publication_category" => "Impactvolle algoritmes",
                "category" => "Overheidsfinanciën", "category" => "Wonen",
                "next_evaluation" => "2026-03-01", "tags" => "WOZ, belastingen, taxatie",
                "ai_act_risk_group" => "niet van toepassing",
            },
        },
        DemoApp {
            status: "concept",
            creator: Role::Projectleider,
            matrix: "TOVVVVVV",
            override_risk: None,
            fields: &[
                ("name", "AI-agent voor routinetaken"),
                (
                    "description_short",
                    "Agent die terugkerende administratieve taken uitvoert, zoals het inplannen van afspraken en het verwerken van standaardformulieren.",
                ),
                ("provider", "Microsoft (Copilot Studio)"),
                ("department", "Bedrijfsvoering"),
                ("use_category", "interne_productiviteit"),
                ("licence_type", "organisatie"),
                ("generative", "ja"),
                ("agentic", "ja"),
                ("owner_id", "@projectleider"),
            ],
        },
        DemoApp {
            status: "afgewezen",
            creator: Role::Projectleider,
            matrix: "TTVTTVVV",
            override_risk: None,
            fields: complete! {
                "name" => "CV-screening sollicitaties", "publish" => "ja",
                "description_short" => "Tool die sollicitatiebrieven en cv's rangschikt op geschiktheid voor een vacature.",
                "provider" => "HR Select BV",
                "department" => "HRM",
                "use_category" => "klantprojecten",
                "deployment" => "cloud",
                "licence_type" => "organisatie",
                "generative" => "nee", "agentic" => "nee",
                "status" => "In ontwikkeling",
                "goal" => "Sneller een voorselectie maken bij veel sollicitaties.",
                "interaction" => "extern", "personal_data" => "ja", "special_categories" => "ja", "data_location" => "eu",
                "risks" => "Risico op discriminatie (bias) bij de selectie; hoog-risico AI volgens bijlage III van de AI-verordening.",
                "publication_category" => "Hoog-risico AI-systeem",
                "category" => "Werk",
                "tags" => "werving, selectie",
                "ai_act_risk_group" => "hoog-risico AI",
            },
        },
        DemoApp {
            status: "buiten_gebruik",
            creator: Role::Medewerker,
            matrix: "TVVVVVVV",
            override_risk: None,
            fields: complete! {
                "name" => "Microsoft Copilot (betaald, persoonlijk)", "publish" => "ja", "attention_points" => "Niet ondersteund door de organisatie: gebruik Microsoft 365 Copilot met het werkaccount.",
                "description_short" => "Persoonlijk betaald Copilot-abonnement. Niet ondersteund door de organisatie.",
                "provider" => "Microsoft",
                "department" => "Burgerzaken",
                "use_category" => "algemeen_gebruik",
                "deployment" => "openbare_webdienst",
                "licence_type" => "consument",
                "generative" => "ja", "agentic" => "nee",
                "status" => "Buiten gebruik", "begin_date" => "2024-01", "end_date" => "2025-06",
                "goal" => "Vervangen door Microsoft 365 Copilot.",
                "interaction" => "intern", "personal_data" => "nee", "data_location" => "onbekend",
                "publication_category" => "Overige algoritmes",
                "tags" => "copilot",
            },
        },
    ]
}
