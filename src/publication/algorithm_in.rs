//! The `AlgorithmIn` v1.0 body of the national Algoritmeregister, built from a registration: only the fields
//! the standard has, with the keys and enumeration values it requires. Internal fields (RASCI, the data-class
//! matrix, risk notes, reviews) never enter it.

use crate::register::machine::WorkflowStatus;
use serde_json::{Map, Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use crate::register::form::is_blank;
use crate::register::store::Stored;

/// The standard's keys, in the column order of the register's CSV download.
pub const KEYS: [&str; 29] = [
    "name",
    "organization",
    "description_short",
    "category",
    "website",
    "status",
    "goal",
    "proportionality",
    "lawful_basis",
    "standard_version",
    "url",
    "contact_email",
    "lang",
    "publiccode",
    "source_data",
    "methods_and_models",
    "human_intervention",
    "risks",
    "provider",
    "process_index_url",
    "tags",
    "source_id",
    "begin_date",
    "end_date",
    "impacttoetsen",
    "publication_category",
    "lawful_basis_grouping",
    "impacttoetsen_grouping",
    "source_data_grouping",
];

/// Fields holding limited HTML (`p br ul ol li div`).
pub const RICH_KEYS: [&str; 9] = [
    "goal",
    "proportionality",
    "human_intervention",
    "risks",
    "lawful_basis",
    "impacttoetsen",
    "source_data",
    "methods_and_models",
    "tags",
];

pub const GROUPING_KEYS: [&str; 3] = ["lawful_basis_grouping", "impacttoetsen_grouping", "source_data_grouping"];

/// Workflow states in which a registration may be public: approved (with or without conditions), in use, or
/// no longer in use. Drafts, submissions under review and rejected tools never are. The statements ask the
/// same of `application a` with the SQL function `registration_public(a.publish, a.workflow_status)`
/// (migration 0013).
pub const PUBLIC_STATES: [WorkflowStatus; 4] = [
    WorkflowStatus::Goedgekeurd,
    WorkflowStatus::GoedgekeurdOnderVoorwaarden,
    WorkflowStatus::InGebruik,
    WorkflowStatus::BuitenGebruik,
];

/// Assessment titles exactly as the register's search filter knows them (NOTES.md §5); other assessments
/// keep their own name and count as "Overig" there.
pub fn impact_title(kind: &str, other_name: Option<&str>) -> String {
    match kind {
        "dpia" => "Data Protection Impact Assessment (DPIA)",
        "prescan_dpia" => "Pre-scan DPIA",
        "iama" => "Impact Assessment Mensenrechten en Algoritmes (IAMA)",
        "fraia" => "Fundamentele Rechten en Algoritme Impact Assessment (FRAIA)",
        "aiia" => "AI Impact Assessment (AIIA)",
        "dtia" => "Data Transfer Impact Assessment (DTIA)",
        "kia" => "Kinderrechten Impact Assessment (KIA)",
        "bio_quickscan" => "BIO-quickscan",
        _ => other_name.unwrap_or("Overige impacttoets"),
    }
    .to_string()
}

/// A title typed by hand, spelled as the register's filter spells it (the standard's own suggestion list has
/// "Assesment").
pub fn filter_spelling(title: &str) -> String {
    if title.trim() == "AI Impact Assesment (AIIA)" {
        "AI Impact Assessment (AIIA)".into()
    } else {
        title.trim().into()
    }
}

/// The organisation a registration belongs to, as far as publication needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgInfo {
    pub organisation_id: Uuid,
    pub name: String,
    pub code: String,
    pub contact_email: String,
}

pub async fn org_info(pool: &PgPool, organisation_id: Uuid) -> sqlx::Result<OrgInfo> {
    sqlx::query_as!(
        OrgInfo,
        r#"select organisation_id as "organisation_id!: Uuid", name as "name!: String", code as "code!: String",
                 contact_email as "contact_email!: String" from organisation where organisation_id = $1"#,
        organisation_id
    )
    .fetch_one(pool)
    .await
}

/// A completed assessment that may be published (also read from JSON: the streamed export aggregates them per
/// registration).
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct PublicAssessment {
    pub assessment_id: Uuid,
    pub application_id: Uuid,
    pub kind: String,
    pub other_name: Option<String>,
    pub link: Option<String>,
    pub has_document: bool,
}

/// The publishable, completed assessments of the given registrations.
pub async fn public_assessments(pool: &PgPool, ids: &[Uuid]) -> sqlx::Result<Vec<PublicAssessment>> {
    sqlx::query_as!(
        PublicAssessment,
        r#"select assessment_id as "assessment_id!: Uuid", application_id as "application_id!: Uuid",
                 kind as "kind!: String", other_name as "other_name?: String", link as "link?: String",
                 document_id is not null as "has_document!: bool"
         from assessment where application_id = any($1) and publishable and status = 'afgerond'
         order by completed_on, created_at"#,
        ids
    )
    .fetch_all(pool)
    .await
}

/// Where the public pages live: the `https://` address people use, when configured.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub public_base: Option<String>,
}

impl Links {
    pub fn new(public_url: Option<&str>) -> Self {
        Self { public_base: public_url.filter(|u| u.starts_with("https://")).map(|u| u.trim_end_matches('/').into()) }
    }

    /// The machine-readable public entry, the standard's "Link naar bronregistratie".
    pub fn record_json(&self, org_code: &str, id: Uuid) -> Option<String> {
        self.public_base.as_ref().map(|b| format!("{b}/openbaar/{org_code}/{id}.json"))
    }

    pub fn report(&self, org_code: &str, id: Uuid, assessment: Uuid) -> Option<String> {
        self.public_base.as_ref().map(|b| format!("{b}/openbaar/{org_code}/{id}/rapport/{assessment}"))
    }
}

fn text(app: &Stored, key: &str) -> Value {
    match app.doc.get(key) {
        Some(v) if !is_blank(v) => v.clone(),
        _ => Value::Null,
    }
}

/// The `AlgorithmIn` body of one registration (keys with no value are null, as the register accepts).
pub fn build(app: &Stored, org: &OrgInfo, assessments: &[PublicAssessment], links: &Links) -> Map<String, Value> {
    let mut body = Map::new();
    for key in KEYS {
        body.insert(key.to_string(), text(app, key));
    }
    body.insert("organization".into(), json!(org.name));
    body.insert("lang".into(), json!("nld"));
    body.insert("standard_version".into(), json!("1.0"));
    body.insert("source_id".into(), json!(app.id.to_string()));
    if let Some(url) = links.record_json(&org.code, app.id) {
        body.insert("url".into(), json!(url));
    }
    // Assessments: those typed on the form, then the publishable completed assessment records not already named.
    let mut grouping: Vec<Value> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    if let Some(Value::Array(items)) = app.doc.get("impacttoetsen_grouping") {
        for item in items {
            let title = filter_spelling(item.get("title").and_then(Value::as_str).unwrap_or(""));
            let mut entry = Map::new();
            entry.insert("title".into(), json!(title));
            if let Some(link) = item.get("link").and_then(Value::as_str).filter(|l| !l.is_empty()) {
                entry.insert("link".into(), json!(link));
            }
            titles.push(title);
            grouping.push(Value::Object(entry));
        }
    }
    for a in assessments.iter().filter(|a| a.application_id == app.id) {
        let title = impact_title(&a.kind, a.other_name.as_deref());
        if titles.contains(&title) {
            continue;
        }
        let link = a
            .link
            .clone()
            .or_else(|| if a.has_document { links.report(&org.code, app.id, a.assessment_id) } else { None });
        titles.push(title.clone());
        grouping.push(match link {
            Some(link) => json!({"title": title, "link": link}),
            None => json!({"title": title}),
        });
    }
    body.insert(
        "impacttoetsen_grouping".into(),
        if grouping.is_empty() { Value::Null } else { Value::Array(grouping) },
    );
    for key in ["category", "lawful_basis_grouping", "source_data_grouping"] {
        if body.get(key).is_some_and(|v| v.as_array().is_some_and(Vec::is_empty)) {
            body.insert(key.into(), Value::Null);
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessment_titles_are_the_filter_titles() {
        assert_eq!(impact_title("dpia", None), "Data Protection Impact Assessment (DPIA)");
        assert_eq!(impact_title("aiia", None), "AI Impact Assessment (AIIA)");
        assert_eq!(impact_title("anders", Some("Ethische toets")), "Ethische toets");
        assert_eq!(filter_spelling("AI Impact Assesment (AIIA)"), "AI Impact Assessment (AIIA)");
    }

    #[test]
    fn public_links_only_over_https() {
        let id = Uuid::nil();
        assert_eq!(Links::new(Some("http://localhost:8080")).record_json("gm0001", id), None);
        assert_eq!(
            Links::new(Some("https://ai.example.nl/")).record_json("gm0001", id).as_deref(),
            Some("https://ai.example.nl/openbaar/gm0001/00000000-0000-0000-0000-000000000000.json")
        );
    }
}
