//! The document's paths, one function per resource, and the parameters and responses they share.

use serde_json::{Map, Value, json};

use super::fields::{ai_act_values, values};
use crate::api::applications::{EVALUATIE, INCIDENT, RISICO, SORTEER, TOETS};
use crate::register::fields::{USE_CATEGORIES, WORKFLOW_STATUS};

pub(super) fn paths() -> Value {
    json!({
        "/me": me(),
        "/applications": applications(),
        "/applications/{id}": application(),
        "/applications/{id}/workflow": workflow(),
        "/applications/{id}/export": export_one(),
        "/applications/{id}/requirements": super::kader::requirements_path(),
        "/applications/{id}/requirements/take-over": super::kader::take_over_path(),
        "/applications/{id}/requirements/{requirement}": super::kader::requirement_path(),
        "/applications/{id}/measures/{measure}": super::kader::measure_path(),
        "/applications/{id}/measures/{measure}/evidence": super::kader::evidence_path(),
        "/requirements/open": super::kader::open_path(),
        "/export": export_register(),
        "/tasks": tasks(),
        "/confirmations": confirmations(),
        "/requests": super::requests::requests_path(),
        "/requests/{id}": super::requests::request_path(),
        "/suppliers": super::suppliers::suppliers_path(),
        "/suppliers/{id}": super::suppliers::supplier_path(),
        "/suppliers/{id}/documents": super::suppliers::documents_path(),
        "/suppliers/{id}/documents/{kind}": super::suppliers::document_path(),
        "/prescan/evaluate": super::prescan::evaluate_path(),
        "/policy/versions": super::policy::versions_path(),
        "/policy/versions/{number}": super::policy::version_path(),
        "/policy/versions/{number}/coverage": super::policy::coverage_path(),
        "/policy/versions/{number}/acknowledgement": super::policy::acknowledgement_path(),
        "/literacy/trainings": super::literacy::trainings_path(),
        "/literacy/trainings/{id}": super::literacy::training_path(),
        "/literacy/completions": super::literacy::completions_path(),
        "/literacy/completions/{id}/confirm": super::literacy::confirm_path(),
        "/literacy/coverage": super::literacy::coverage_path()
    })
}

pub(super) fn problem_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } })
}

pub(super) fn json_response(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

/// Responses every authenticated operation can give.
pub(super) fn common(mut responses: Map<String, Value>) -> Value {
    responses.insert("401".into(), problem_response("Geen, een onbekend, ingetrokken of verlopen token."));
    responses.insert(
        "403".into(),
        problem_response("De rol van de gebruiker in de organisatie van het token staat dit niet toe."),
    );
    responses.insert("503".into(), problem_response("De database is tijdelijk niet bereikbaar."));
    Value::Object(responses)
}

pub(super) fn responses(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

pub(super) fn id_parameter() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } })
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn export_files() -> Value {
    json!({
        "description": "Het bestand (als download).",
        "content": {
            "application/json": { "schema": { "oneOf": [
                { "type": "array", "items": { "type": "object" } },
                { "type": "object" }
            ] } },
            "text/csv; charset=utf-8": { "schema": { "type": "string" } },
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } }
        }
    })
}

fn format_parameter() -> Value {
    query(
        "format",
        "algoritmeregister-json (standaard; AlgorithmIn v1.0), csv (kolommen van het Algoritmeregister) of xlsx.",
        json!({ "type": "string", "enum": ["algoritmeregister-json", "json", "csv", "xlsx"] }),
    )
}

fn me() -> Value {
    json!({ "get": {
        "operationId": "me", "summary": "De gebruiker en organisatie van het token",
        "responses": common(responses(&[("200", json_response("De gebruiker.", "Me"))]))
    } })
}

/// The register: search (GET) and create a draft (POST).
fn applications() -> Value {
    json!({ "get": list_operation(), "post": create_operation() })
}

/// The list's filters, as the web's register list takes them.
fn list_operation() -> Value {
    json!({
        "operationId": "listApplications", "summary": "Toepassingen zoeken en filteren (25 per pagina)",
        "parameters": [
            query("q", "Zoekwoorden (voorvoegsels, Nederlandse stamvormen).", json!({ "type": "string", "maxLength": 200 })),
            query("status", "Workflowstatus.", json!({ "type": "string", "enum": values(WORKFLOW_STATUS) })),
            query("risico", "Eigen risiconiveau (onbekend: nog niet bepaald).", json!({ "type": "string", "enum": RISICO })),
            query("ai_act", "Risicogroep AI-verordening (onbekend: nog niet bepaald).", json!({ "type": "string", "enum": ai_act_values() })),
            query("afdeling", "Afdeling (exact).", json!({ "type": "string", "maxLength": 200 })),
            query("gebruik", "Gebruikscategorie.", json!({ "type": "string", "enum": values(USE_CATEGORIES) })),
            query("persoonsgegevens", "Verwerkt persoonsgegevens.", json!({ "type": "string", "enum": ["ja", "nee"] })),
            query("evaluatie", "Volgende evaluatie van lopende toepassingen: verlopen, binnenkort (30 dagen), later of geen.", json!({ "type": "string", "enum": EVALUATIE })),
            query("toets", "Verplichte DPIA of IAMA van lopende toepassingen: gedaan of ontbreekt.", json!({ "type": "string", "enum": TOETS })),
            query("incident", "Een open incident (open), of de ernst van het zwaarste open incident.", json!({ "type": "string", "enum": INCIDENT })),
            query("maand", "Aangemeld in deze maand (jjjj-mm).", json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$" })),
            query("sorteer", "Sortering (standaard: relevantie bij zoeken, anders laatst gewijzigd).", json!({ "type": "string", "enum": SORTEER })),
            query("pagina", "Paginanummer.", json!({ "type": "integer", "minimum": 1, "maximum": 100000 }))
        ],
        "responses": common(responses(&[
            ("200", json_response("Eén pagina resultaten.", "ApplicationList")),
            ("400", problem_response("Een zoekparameter klopt niet."))
        ]))
    })
}

fn create_operation() -> Value {
    json!({
        "operationId": "createApplication", "summary": "Een nieuwe toepassing registreren als concept",
        "description": "Dezelfde controles als het registratieformulier; het token heeft schrijfrechten nodig. De aanmaker wordt eigenaar tenzij owner_id is gegeven. De checklistpunten van de CISO (risicoanalyse, privacy, maatregelen, leveranciersafspraken) alleen met het token van een CISO.",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApplicationIn" } } } },
        "responses": common(responses(&[
            ("201", json!({
                "description": "Aangemaakt.",
                "headers": { "Location": { "schema": { "type": "string" }, "description": "Het adres van de nieuwe toepassing." } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApplicationCreated" } } }
            })),
            ("400", problem_response("Geen geldige JSON.")),
            ("415", problem_response("De body is geen application/json.")),
            ("422", problem_response("Velden kloppen niet; `errors` noemt ze per veld. Er is niets opgeslagen."))
        ]))
    })
}

fn application() -> Value {
    json!({ "get": {
        "operationId": "getApplication", "summary": "Eén toepassing",
        "parameters": [ id_parameter() ],
        "responses": common(responses(&[
            ("200", json_response("De toepassing.", "Application")),
            ("404", problem_response("Bestaat niet in de organisatie van het token."))
        ]))
    } })
}

fn workflow() -> Value {
    json!({ "get": {
        "operationId": "getWorkflow", "summary": "Workflowstatus, poortwachters, besluiten, adviezen, toestemming en evaluaties",
        "parameters": [ id_parameter() ],
        "responses": common(responses(&[
            ("200", json_response("De workflowstatus.", "Workflow")),
            ("404", problem_response("Bestaat niet in de organisatie van het token."))
        ]))
    } })
}

fn export_one() -> Value {
    json!({ "get": {
        "operationId": "exportApplication", "summary": "Eén toepassing in het formaat van het Algoritmeregister",
        "parameters": [ id_parameter(), format_parameter() ],
        "responses": common(responses(&[
            ("200", export_files()),
            ("400", problem_response("Onbekend formaat.")),
            ("404", problem_response("Bestaat niet in de organisatie van het token.")),
            ("422", problem_response("Het Algoritmeregister zou deze beschrijving weigeren."))
        ]))
    } })
}

fn export_register() -> Value {
    json!({ "get": {
        "operationId": "exportRegister", "summary": "De gepubliceerde toepassingen voor het Algoritmeregister (CISO en beheerder)",
        "parameters": [ format_parameter() ],
        "responses": common(responses(&[
            ("200", export_files()),
            ("400", problem_response("Onbekend formaat."))
        ]))
    } })
}

fn tasks() -> Value {
    json!({ "get": {
        "operationId": "listTasks", "summary": "Mijn taken: wat op de gebruiker van het token wacht, de oudste eerst",
        "responses": common(responses(&[("200", json_response("De taken.", "TaskList"))]))
    } })
}

fn confirmations() -> Value {
    json!({ "get": {
        "operationId": "listConfirmations", "summary": "Assessments die op uw bevestiging wachten (FG of CISO)",
        "description": "Afgeronde assessments die de gebruiker van het token mag bevestigen of terugsturen: als FG de DPIA, Pre-scan DPIA en DTIA, als CISO de andere soorten; nooit wat de gebruiker zelf vastlegde. Leeg voor andere rollen.",
        "responses": common(responses(&[("200", json_response("De wachtende assessments.", "Confirmations"))]))
    } })
}
