//! The whole-register export is streamed from the database (issue 24): the web page, the REST API and the
//! command line must still give exactly the file the in-memory encoder writes for the same registrations —
//! on the demo, on a few hundred generated ones (more than one chunk), and on an empty register — and leave
//! out exactly the registrations the standard would refuse.

use airegister::config::WebConfig;
use airegister::publication::algorithm_in::{self, Links};
use airegister::publication::export::{self, Format};

use crate::helpers::TestApp;
use crate::publication::{as_demo, demo_app};

const PUBLIC_URL: &str = "https://ai.demodam.example";

/// What the in-memory export (`public_entries` and `encode`, as before streaming) writes for the demo
/// organisation, and the names it leaves out.
async fn reference(app: &TestApp, format: Format) -> (Vec<u8>, Vec<String>) {
    let org: uuid::Uuid = sqlx::query_scalar("select organisation_id from organisation where code = 'gm9999'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let info = algorithm_in::org_info(&app.pool, org).await.unwrap();
    let (entries, skipped) = export::public_entries(&app.pool, &info, &Links::new(Some(PUBLIC_URL))).await.unwrap();
    (export::encode(format, &entries, true).unwrap(), skipped.into_iter().map(|s| s.name).collect())
}

/// Copies every public demo registration `times` times under new ids and names (their assessments too, so the
/// aggregated assessments are checked as well), and breaks a few so the standard refuses them.
async fn grow(app: &TestApp, times: i32) {
    let columns: String = sqlx::query_scalar(
        "select string_agg(column_name, ', ' order by ordinal_position) from information_schema.columns
         where table_name = 'application' and is_generated = 'NEVER'
           and column_name not in ('application_id', 'name')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let copy = format!(
        "insert into application (application_id, name, {columns})
         select gen_random_uuid(), a.name || ' kopie ' || i, {cols}
         from application a, generate_series(1, $1) i
         where registration_public(a.publish, a.workflow_status)",
        cols = columns.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
    );
    sqlx::query(&copy).bind(times).execute(&app.pool).await.unwrap();
    // The same assessments for each copy, matched by the original's name.
    let assessment_columns: String = sqlx::query_scalar(
        "select string_agg('s.' || column_name, ', ' order by ordinal_position) from information_schema.columns
         where table_name = 'assessment' and is_generated = 'NEVER' and column_name not in ('assessment_id', 'application_id')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let plain = assessment_columns.replace("s.", "");
    sqlx::query(&format!(
        "insert into assessment (assessment_id, application_id, {plain})
         select gen_random_uuid(), c.application_id, {assessment_columns}
         from application c join application a on c.name like a.name || ' kopie %' and c.application_id <> a.application_id
         join assessment s on s.application_id = a.application_id and s.publishable and s.status = 'afgerond'"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    // An end before the beginning, which the standard refuses: these must be left out, by the stream as by the
    // reference.
    sqlx::query("update application set begin_date = '2025-01', end_date = '2020-01' where name like '% kopie 7'")
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn check_every_route(app: &TestApp, expect_skipped: bool) {
    let c = as_demo(app, "beheerder").await;
    let (_, user, org) = crate::publication::demo_user(app, "beheerder").await;
    let token = crate::rest::token(app, user, org, false).await;
    for (format, name) in [(Format::Json, "json"), (Format::Csv, "csv"), (Format::Xlsx, "xlsx")] {
        let (expected, skipped) = reference(app, format).await;
        assert_eq!(!skipped.is_empty(), expect_skipped, "{skipped:?}");
        let web = app.get(&c, &format!("/publicatie/export/{name}")).await;
        assert_eq!(web.status(), 200);
        let web = web.bytes().await.unwrap().to_vec();
        let api = crate::rest::api_get(app, &token, &format!("/export?format={name}")).await;
        assert_eq!(api.status(), 200);
        let api = api.bytes().await.unwrap().to_vec();
        let dir = crate::helpers::scratch_dir("export-stream");
        let out = dir.join(format!("register.{name}"));
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
            .args(["export", "--format", name, "--out", out.to_str().unwrap()])
            .env("DATABASE_URL", app.database_url().await)
            .env("AIREGISTER_PUBLIC_URL", PUBLIC_URL)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let stderr = String::from_utf8_lossy(&run.stderr);
        for s in &skipped {
            assert!(stderr.contains(&format!("Overgeslagen: {s} – ")), "{s} named: {stderr}");
        }
        let cli = std::fs::read(&out).unwrap();
        if format == Format::Xlsx {
            // A workbook's bytes differ between writes (its creation time); its cells must not.
            let expected = crate::xlsx_check::register_sheet(&expected);
            assert_eq!(crate::xlsx_check::register_sheet(&web), expected);
            assert_eq!(crate::xlsx_check::register_sheet(&api), expected);
            assert_eq!(crate::xlsx_check::register_sheet(&cli), expected);
        } else {
            assert!(web == expected, "{name}: the web export is the in-memory one, byte for byte");
            assert!(api == expected, "{name}: the API export is the in-memory one, byte for byte");
            assert!(cli == expected, "{name}: the CLI export is the in-memory one, byte for byte");
        }
    }
}

#[tokio::test]
async fn the_streamed_export_is_the_in_memory_one_on_the_demo_and_hundreds_of_registrations() {
    let app = demo_app(WebConfig { public_url: Some(PUBLIC_URL.into()), ..Default::default() }).await;
    check_every_route(&app, false).await;
    grow(&app, 60).await;
    let public: i64 =
        sqlx::query_scalar("select count(*) from application where registration_public(publish, workflow_status)")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(public > 300, "{public} public registrations");
    check_every_route(&app, true).await;
}

#[tokio::test]
async fn an_empty_register_streams_an_empty_export() {
    let app = demo_app(WebConfig { public_url: Some(PUBLIC_URL.into()), ..Default::default() }).await;
    sqlx::query("update application set publish = false").execute(&app.pool).await.unwrap();
    let c = as_demo(&app, "beheerder").await;
    assert_eq!(app.get(&c, "/publicatie/export/json").await.text().await.unwrap(), "[]\n");
    let csv = app.get(&c, "/publicatie/export/csv").await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    let cells = crate::xlsx_check::register_sheet(&app.get(&c, "/publicatie/export/xlsx").await.bytes().await.unwrap());
    assert_eq!(cells.len(), 31);
    assert!(cells.iter().all(|row| row.len() == 1), "only the titles");
    check_every_route(&app, false).await;
}
