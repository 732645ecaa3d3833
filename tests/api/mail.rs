//! E-mail against a real SMTP server (aiosmtpd from PyPI, started by the test on loopback; see
//! tests/support/smtp_sink.py): notifications arrive once with subject, link and headers; an SMTP outage loses
//! nothing and sends nothing twice; two `airegister serve` instances on one database send each message once; a rolled-back change
//! and a change while e-mail is off send nothing; a refused address fails for good and can be retried from
//! Beheer → E-mail; the test message shows the server's answer.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use airegister::auth::roles::Role;
use airegister::config::{MailSettings, WebConfig};
use airegister::mail;
use airegister::register::notices::{self, Kind, Note};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, fresh_database, location, scratch_dir};
use crate::register::complete;

const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// A Python with aiosmtpd, in a venv made once per machine (several tests may ask at the same time).
fn venv_python() -> PathBuf {
    let tmp = std::env::temp_dir();
    let venv = tmp.join("smtp-venv");
    let python = venv.join("bin/python");
    let script = format!(
        "\"{py}\" -c 'import aiosmtpd' 2>/dev/null || {{ python3 -m venv \"{venv}\" && \"{py}\" -m pip install --quiet --disable-pip-version-check {AIOSMTPD}; }}",
        py = python.display(),
        venv = venv.display()
    );
    let lock = tmp.join("smtp-venv.lock");
    let status = Command::new("flock").arg(&lock).args(["sh", "-c", &script]).status().expect("flock and sh run");
    assert!(status.success(), "installing {AIOSMTPD} from PyPI failed");
    python
}

/// The SMTP server: messages land in `dir` as JSON files.
struct Sink {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Sink {
    /// A port that was free a moment ago, with no server on it yet.
    fn reserved() -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Sink { port, dir: scratch_dir("smtp-sink"), child: None }
    }

    fn started() -> Sink {
        let mut s = Sink::reserved();
        s.start();
        s
    }

    fn start(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = Command::new(venv_python())
            .arg(script)
            .args(["127.0.0.1", &self.port.to_string()])
            .arg(&self.dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP server starts");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        self.child = Some(child);
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn settings(&self, retry_base: Duration) -> MailSettings {
        let url = format!("smtp://127.0.0.1:{}", self.port);
        let mut s = MailSettings::parse(&url, None, "AI-register <noreply@testdam.example>").unwrap();
        s.poll = Duration::from_millis(100);
        s.retry_base = retry_base;
        s
    }

    /// The messages received so far.
    fn messages(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files.iter().map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()).collect()
    }

    /// Wait (at most 30 s) until `n` messages have arrived, then a little longer to see that no more come.
    async fn expect(&self, n: usize) -> Vec<Value> {
        for _ in 0..300 {
            if self.messages().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        let got = self.messages();
        assert_eq!(got.len(), n, "messages received: {got:#?}");
        got
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop();
    }
}

struct World {
    app: TestApp,
    org: Uuid,
    mw: Uuid,
}

const MW: &str = "mw@testdam.example";
const CISO: &str = "ciso@testdam.example";
const CISO2: &str = "ciso2@testdam.example";
const ADMIN: &str = "beheer@testdam.example";

/// An application with e-mail on (through `sink`), its worker running, and a CISO pair to notify.
async fn world(sink: &Sink, retry_base: Duration) -> World {
    let settings = sink.settings(retry_base);
    let config = WebConfig { mail: Some(settings.clone()), ..WebConfig::default() };
    let app = TestApp::spawn_on(fresh_database().await, config).await;
    mail::outbox::set_enabled(&app.pool, true).await.unwrap();
    tokio::spawn(mail::run(app.pool.clone(), settings, app.base.clone()));
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(CISO2, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    World { app, org, mw }
}

/// Register and submit a tool as the employee: both CISOs are told (the employee, who did it, is not).
async fn submit(w: &World, name: &str) -> Uuid {
    let c = w.app.logged_in(MW).await;
    let mw = w.mw.to_string();
    let mut fields = complete(name, &mw, &[]);
    fields.push(("actie", "indienen"));
    let r = w.app.post(&c, "/register", &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap()
}

async fn outbox_status(pool: &sqlx::PgPool) -> Vec<(String, i32)> {
    sqlx::query_as("select status, attempts from mail_outbox order by created_at, message_id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_submission_reaches_each_ciso_once_with_subject_link_and_reply_address() {
    let sink = Sink::started();
    let w = world(&sink, Duration::from_millis(200)).await;
    let id = submit(&w, "Chatbot Burgerzaken").await;
    let got = sink.expect(2).await;
    let mut to: Vec<&str> = got.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap()).collect();
    to.sort();
    assert_eq!(to, [CISO2, CISO]);
    for m in &got {
        let h = &m["headers"];
        assert_eq!(h["subject"], "Beoordelen: Chatbot Burgerzaken", "{m:#}");
        assert_eq!(h["from"], "AI-register <noreply@testdam.example>");
        assert_eq!(h["reply-to"], "ai@gm0101.example", "{m:#}");
        let link = format!("{}/register/{id}/beoordeling", w.app.base);
        let text = m["text"].as_str().unwrap();
        assert!(text.contains("Chatbot Burgerzaken") && text.contains(&link), "{text}");
        let html = m["html"].as_str().unwrap();
        assert!(html.contains(&format!("href=\"{link}\"")) && !html.contains("<img"), "{html}");
    }
    assert_eq!(outbox_status(&w.app.pool).await, [("verzonden".to_string(), 1), ("verzonden".to_string(), 1)]);
}

#[tokio::test]
async fn an_smtp_outage_loses_nothing_and_sends_nothing_twice() {
    let mut sink = Sink::reserved();
    let w = world(&sink, Duration::from_millis(200)).await;
    for name in ["Tool een", "Tool twee", "Tool drie"] {
        submit(&w, name).await;
    }
    // The server is down: every message is tried, kept and waits for the next attempt.
    for _ in 0..100 {
        let rows = outbox_status(&w.app.pool).await;
        if rows.len() == 6 && rows.iter().all(|(_, a)| *a >= 2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = outbox_status(&w.app.pool).await;
    assert!(rows.len() == 6 && rows.iter().all(|(s, a)| s == "wachtrij" && *a >= 2), "{rows:?}");
    let errors: i64 = sqlx::query_scalar("select count(*) from mail_outbox where last_error is not null")
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(errors, 6);
    sink.start();
    let got = sink.expect(6).await;
    let mut subjects: Vec<String> =
        got.iter().map(|m| format!("{} {}", m["headers"]["subject"], m["rcpt_tos"][0])).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 6, "each message once: {subjects:?}");
    let rows = outbox_status(&w.app.pool).await;
    assert!(rows.iter().all(|(s, _)| s == "verzonden"), "{rows:?}");
    let attempts: i32 = rows.iter().map(|(_, a)| a).sum();
    println!("outage: 6 messages, {attempts} attempts in all, 6 received once, 0 lost");
}

/// Fifty notifications written straight through the domain (as an event would), to many recipients.
async fn fifty_notifications(pool: &sqlx::PgPool, org: Uuid, to: &[Uuid]) {
    let mut tx = pool.begin().await.unwrap();
    for i in 0..50 {
        let message = format!("Bericht nummer {i}.");
        let n = Note { organisation_id: org, kind: Kind::Decision, application_id: None, message: &message, link: "/" };
        notices::send(&mut tx, &[to[i % to.len()]], None, &n).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// `airegister serve` on the test's database with e-mail through `sink`: a real second instance.
fn serve_instance(database_url: &str, sink: &Sink) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", database_url)
        .env("AIREGISTER_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port))
        .env("AIREGISTER_MAIL_FROM", "AI-register <noreply@testdam.example>")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let first = lines.next().expect("serve prints its address").unwrap();
    assert!(first.starts_with("AI-register luistert op"), "{first}");
    std::thread::spawn(move || for _ in lines {});
    child
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_message_once() {
    let sink = Sink::started();
    let pool = fresh_database().await;
    let app = TestApp::spawn_on(pool.clone(), WebConfig::default()).await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let mut to = Vec::new();
    for email in [CISO, CISO2] {
        to.push(app.user(email, org, &[Role::Medewerker, Role::Ciso]).await);
    }
    mail::outbox::set_enabled(&pool, true).await.unwrap();
    fifty_notifications(&pool, org, &to).await;
    // Two `airegister serve` processes start at the same moment, each with its own mail worker.
    let url = app.database_url().await;
    let mut instances = [serve_instance(&url, &sink), serve_instance(&url, &sink)];
    let got = sink.expect(50).await;
    for child in &mut instances {
        let _ = child.kill();
        let _ = child.wait();
    }
    let mut bodies: Vec<&str> = got.iter().map(|m| m["text"].as_str().unwrap()).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 50, "every message once");
    let sent: i64 = sqlx::query_scalar("select count(*) from mail_outbox where status = 'verzonden' and attempts = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sent, 50);
    println!("two instances: 50 messages, 50 received, 0 twice, 0 lost");
}

#[tokio::test]
async fn a_rolled_back_change_and_a_change_while_mail_is_off_send_nothing() {
    let pool = fresh_database().await;
    let app = TestApp::spawn_on(pool.clone(), WebConfig::default()).await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let ciso = app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let n = Note { organisation_id: org, kind: Kind::Decision, application_id: None, message: "Besluit.", link: "/" };
    // E-mail off (the default): the notification is written, no e-mail is queued.
    let mut tx = pool.begin().await.unwrap();
    notices::send(&mut tx, &[ciso], None, &n).await.unwrap();
    tx.commit().await.unwrap();
    // E-mail on, but the change is rolled back: neither the notification nor its e-mail remains.
    mail::outbox::set_enabled(&pool, true).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    notices::send(&mut tx, &[ciso], None, &n).await.unwrap();
    tx.rollback().await.unwrap();
    let counts: (i64, i64) =
        sqlx::query_as("select (select count(*) from notification), (select count(*) from mail_outbox)")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(counts, (1, 0));
    // A reminder repeated for the same subject and date is one notification and one e-mail.
    for _ in 0..2 {
        let mut tx = pool.begin().await.unwrap();
        notices::send_once(&mut tx, &[ciso], None, &n, Some("evaluatie:x:2027-01-01")).await.unwrap();
        tx.commit().await.unwrap();
    }
    let queued: i64 = sqlx::query_scalar("select count(*) from mail_outbox").fetch_one(&pool).await.unwrap();
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn a_refused_address_fails_for_good_and_beheer_shows_it_and_can_retry() {
    let sink = Sink::started();
    let w = world(&sink, Duration::from_millis(200)).await;
    let refused = w.app.user("weiger@testdam.example", w.org, &[Role::Medewerker]).await;
    let n = Note { organisation_id: w.org, kind: Kind::Decision, application_id: None, message: "Besluit.", link: "/" };
    let mut tx = w.app.pool.begin().await.unwrap();
    notices::send(&mut tx, &[refused], None, &n).await.unwrap();
    tx.commit().await.unwrap();
    for _ in 0..100 {
        if outbox_status(&w.app.pool).await.first().is_some_and(|(s, _)| s == "mislukt") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A permanent refusal (5xx) is not tried again.
    assert_eq!(outbox_status(&w.app.pool).await, [("mislukt".to_string(), 1)]);
    let admin = w.app.logged_in(ADMIN).await;
    let page = w.app.get(&admin, "/beheer/e-mail?status=mislukt").await.text().await.unwrap();
    assert!(page.contains("weiger@testdam.example") && page.contains("550"), "{page}");
    assert!(page.contains("E-mail staat aan") && page.contains("smtp://127.0.0.1"), "{page}");
    let id: Uuid = sqlx::query_scalar("select message_id from mail_outbox").fetch_one(&w.app.pool).await.unwrap();
    // Others may not see or retry it.
    let mw = w.app.logged_in(MW).await;
    assert_eq!(w.app.get(&mw, "/beheer/e-mail").await.status(), 403);
    assert_eq!(w.app.post(&mw, &format!("/beheer/e-mail/{id}/opnieuw"), &[]).await.status(), 403);
    let r = w.app.post(&admin, &format!("/beheer/e-mail/{id}/opnieuw"), &[]).await;
    assert_eq!(r.status(), 303);
    // Tried again at once, and refused again.
    for _ in 0..100 {
        let rows = outbox_status(&w.app.pool).await;
        if rows == [("mislukt".to_string(), 1)] {
            let tried: Option<String> =
                sqlx::query_scalar("select last_error from mail_outbox").fetch_one(&w.app.pool).await.unwrap();
            assert!(tried.unwrap().contains("550"));
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the retried message was not tried again: {:?}", outbox_status(&w.app.pool).await);
}

#[tokio::test]
async fn the_test_message_goes_out_at_once_and_a_wrong_server_shows_its_answer() {
    let mut sink = Sink::started();
    let w = world(&sink, Duration::from_millis(200)).await;
    let admin = w.app.logged_in(ADMIN).await;
    let page = w.app.get(&admin, "/beheer/e-mail").await.text().await.unwrap();
    assert!(page.contains("Testbericht sturen") && page.contains(ADMIN), "the address is filled in: {page}");
    let r = w.app.post(&admin, "/beheer/e-mail/test", &[("aan", "geen adres")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("geen adres"), "the input comes back");
    let r = w.app.post(&admin, "/beheer/e-mail/test", &[("aan", ADMIN)]).await;
    assert_eq!(r.status(), 303);
    let got = sink.expect(1).await;
    assert_eq!(got[0]["headers"]["subject"], "Testbericht van AI-register");
    sink.stop();
    let r = w.app.post(&admin, "/beheer/e-mail/test", &[("aan", ADMIN)]).await;
    assert_eq!(r.status(), 502);
    let page = r.text().await.unwrap();
    assert!(page.contains("Het testbericht is niet verstuurd"), "{page}");
    // With e-mail off the page says so and the test button says why it cannot send.
    let off = TestApp::spawn().await;
    let org = off.org("Gemeente Uitdam", "gm0102").await;
    off.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    let c = off.logged_in(ADMIN).await;
    assert!(off.get(&c, "/beheer/e-mail").await.text().await.unwrap().contains("E-mail staat uit"));
    let r = off.post(&c, "/beheer/e-mail/test", &[("aan", ADMIN)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("geen SMTP-server ingesteld"));
}

#[tokio::test]
async fn a_new_user_gets_the_activation_link_by_e_mail_and_the_outbox_forgets_it() {
    let sink = Sink::started();
    let w = world(&sink, Duration::from_millis(200)).await;
    let admin = w.app.logged_in(ADMIN).await;
    let r = w
        .app
        .post(
            &admin,
            "/beheer/gebruikers",
            &[("name", "Nieuwe Collega"), ("email", "nieuw@testdam.example"), ("roles", "medewerker")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("per e-mail naar nieuw@testdam.example gestuurd"), "{page}");
    let got = sink.expect(1).await;
    let m = &got[0];
    assert_eq!(m["rcpt_tos"][0], "nieuw@testdam.example");
    assert_eq!(m["headers"]["subject"], "Activeer uw account voor AI-register");
    let text = m["text"].as_str().unwrap();
    let start = text.find(&format!("{}/activeren/", w.app.base)).expect("the link is in the message");
    let link = text[start..].split_whitespace().next().unwrap();
    assert!(page.contains(link), "the administrator sees the same link");
    // The link works (the activation page opens), and the sent message no longer holds it.
    assert_eq!(w.app.client().get(link).send().await.unwrap().status(), 200);
    let kept: Option<String> = sqlx::query_scalar("select link from mail_outbox where kind = 'activering'")
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(kept, None);
}

async fn preference(pool: &sqlx::PgPool, email: &str, kind: &str) -> Option<String> {
    sqlx::query_scalar(
        "select p.mode from mail_preference p join app_user u using (user_id) where u.email = $1 and p.kind = $2",
    )
    .bind(email)
    .bind(kind)
    .fetch_optional(pool)
    .await
    .unwrap()
}

/// The preferences form with every kind `direct` except the given ones.
fn choices<'a>(except: &[(&'a str, &'a str)], hour: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = Kind::ALL
        .iter()
        .map(|k| (k.as_str(), except.iter().find(|(e, _)| *e == k.as_str()).map_or("direct", |(_, m)| *m)))
        .collect();
    f.push(("uur", hour));
    f
}

fn unsubscribe_link(m: &Value) -> String {
    let header = m["headers"]["list-unsubscribe"].as_str().expect("a List-Unsubscribe header");
    assert_eq!(m["headers"]["list-unsubscribe-post"], "List-Unsubscribe=One-Click");
    header.trim_start_matches('<').trim_end_matches('>').to_string()
}

#[tokio::test]
async fn preferences_bundle_or_keep_messages_in_the_app_and_an_unsubscribe_link_works_once_for_its_kind() {
    let sink = Sink::started();
    let w = world(&sink, Duration::from_millis(200)).await;
    let app = &w.app;
    // CISO: submissions in the daily overview (its hour has come, but today's went out already); CISO2: never.
    let ciso = app.logged_in(CISO).await;
    let page = app.get(&ciso, "/account/e-mail").await.text().await.unwrap();
    assert!(page.contains("Ingediende registraties om te beoordelen") && page.contains("Niet per e-mail"), "{page}");
    let r = app.post(&ciso, "/account/e-mail", &choices(&[("ingediend", "dagelijks")], "99")).await;
    assert_eq!(r.status(), 422, "an hour that does not exist");
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Kies een uur tussen")
            && page.contains("id=\"ingediend-dagelijks\" name=\"ingediend\" value=\"dagelijks\" checked"),
        "{page}"
    );
    assert_eq!(app.post(&ciso, "/account/e-mail", &choices(&[("ingediend", "dagelijks")], "0")).await.status(), 303);
    let ciso2 = app.logged_in(CISO2).await;
    assert_eq!(app.post(&ciso2, "/account/e-mail", &choices(&[("ingediend", "uit")], "8")).await.status(), 303);
    sqlx::query("update mail_digest set last_sent_on = (now() at time zone 'Europe/Amsterdam')::date")
        .execute(&app.pool)
        .await
        .unwrap();
    submit(&w, "Tool een").await;
    submit(&w, "Tool twee").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sink.messages().is_empty(), "nothing at once");
    let held: Vec<(String, String)> = sqlx::query_as(
        "select u.email, m.status from mail_outbox m join app_user u using (user_id) order by m.created_at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(held, [(CISO.to_string(), "dagelijks".to_string()), (CISO.to_string(), "dagelijks".to_string())]);
    let notified: i64 =
        sqlx::query_scalar("select count(*) from notification n join app_user u using (user_id) where u.email = $1")
            .bind(CISO2)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(notified, 2, "CISO2 still sees them in the application");
    // Tomorrow's overview: both in one message.
    sqlx::query("update mail_digest set last_sent_on = null").execute(&app.pool).await.unwrap();
    let got = sink.expect(1).await;
    let overview = &got[0];
    assert_eq!(overview["headers"]["subject"], "Dagelijks overzicht van AI-register: 2 meldingen");
    let text = overview["text"].as_str().unwrap();
    assert!(text.contains("Beoordelen: Tool een") && text.contains("Beoordelen: Tool twee"), "{text}");
    // The overview's link switches the daily overview off, once, without login; a GET changes nothing.
    let link = unsubscribe_link(overview);
    let anonymous = app.client();
    let page = anonymous.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Geen e-mail meer hierover"), "{page}");
    assert_eq!(preference(&app.pool, CISO, "ingediend").await.as_deref(), Some("dagelijks"));
    let one_click = anonymous.post(&link).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(one_click.status(), 200);
    assert!(one_click.text().await.unwrap().contains("u krijgt geen e-mail meer over het dagelijkse overzicht"));
    assert_eq!(preference(&app.pool, CISO, "ingediend").await.as_deref(), Some("uit"));
    assert_eq!(preference(&app.pool, CISO, "besluit").await.as_deref(), Some("direct"), "other kinds stay");
    let again = anonymous.post(&link).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert!(again.text().await.unwrap().contains("al gebruikt"));
    // A direct message's link switches off its own kind only.
    let ciso_id: Uuid = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(CISO)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let n = Note { organisation_id: w.org, kind: Kind::Decision, application_id: None, message: "Besluit.", link: "/" };
    let mut tx = app.pool.begin().await.unwrap();
    notices::send(&mut tx, &[ciso_id], None, &n).await.unwrap();
    tx.commit().await.unwrap();
    let got = sink.expect(2).await;
    let link = unsubscribe_link(&got[1]);
    assert_eq!(anonymous.post(&link).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap().status(), 200);
    assert_eq!(preference(&app.pool, CISO, "besluit").await.as_deref(), Some("uit"));
    assert_eq!(preference(&app.pool, CISO, "incident").await.as_deref(), Some("direct"));
    assert_eq!(anonymous.get(format!("{}/e-mail/afmelden/onzin", app.base)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn reminders_go_once_per_stage_and_escalate_to_the_directie() {
    use airegister::register::reminders::{self, Policy};
    let sink = Sink::started();
    let w = world(&sink, Duration::from_millis(200)).await;
    let app = &w.app;
    let dir = app.user("dir@testdam.example", w.org, &[Role::Medewerker, Role::Directie]).await;
    let fg = app.user("fg@testdam.example", w.org, &[Role::Medewerker, Role::Fg]).await;
    let id = submit(&w, "Wachtende tool").await;
    sink.expect(2).await;
    let count = |kind: &'static str, user: Uuid| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from notification where kind = $1 and user_id = $2")
                .bind(kind)
                .bind(user)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let ciso: Uuid = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(CISO)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let policy = Policy { review_days: 5 };
    // Three weeks: beyond five and ten working days (whatever today is). Run twice: each reminder once.
    sqlx::query("update application set submitted_at = now() - interval '21 days' where application_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    for _ in 0..2 {
        reminders::run(&app.pool, policy).await.unwrap();
    }
    assert_eq!(count("wacht_te_lang", ciso).await, 1, "the CISO is reminded once");
    assert_eq!(count("wacht_te_lang", dir).await, 1, "the directie hears of it after twice as long");
    // A critical incident reported a week ago is late: the CISO and the FG hear of it once.
    sqlx::query(
        "insert into incident (incident_id, organisation_id, application_id, kind, severity, description, reported_at)
         values (gen_random_uuid(), $1, $2, 'datalek', 'kritiek', 'Gegevens gelekt via de tool.', now() - interval '7 days')",
    )
    .bind(w.org)
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    for _ in 0..2 {
        reminders::run(&app.pool, policy).await.unwrap();
    }
    assert_eq!((count("incident_te_laat", ciso).await, count("incident_te_laat", fg).await), (1, 1));
    // Evaluations: the 30-day, 7-day and overdue stages each once, to the owner.
    sqlx::query("update application set workflow_status = 'in_gebruik', owner_id = $2, next_evaluation = current_date + 20 where application_id = $1")
        .bind(id)
        .bind(w.mw)
        .execute(&app.pool)
        .await
        .unwrap();
    for due in ["current_date + 20", "current_date + 20", "current_date + 5", "current_date - 1", "current_date - 1"] {
        sqlx::query(&format!("update application set next_evaluation = {due} where application_id = $1"))
            .bind(id)
            .execute(&app.pool)
            .await
            .unwrap();
        reminders::evaluations(&app.pool).await.unwrap();
    }
    assert_eq!(count("evaluatie", w.mw).await, 3);
    // The conditions of the approval in force: a week ahead once, and when past once more (the CISOs too).
    let decision = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into review_decision (decision_id, application_id, decision, note, decided_by, conditions_due)
         values ($3, $1, 'goedgekeurd_onder_voorwaarden', 'Alleen openbare gegevens.', $2, current_date + 3)",
    )
    .bind(id)
    .bind(ciso)
    .bind(decision)
    .execute(&app.pool)
    .await
    .unwrap();
    // The approval in force is the kept approved version with its decision (register::approved).
    sqlx::query(
        "insert into approved_version (application_id, doc, status, decision_id, approved_by, approved_at)
         values ($1, '{}', 'in_gebruik', $2, $3, now())
         on conflict (application_id) do update set decision_id = excluded.decision_id",
    )
    .bind(id)
    .bind(decision)
    .bind(ciso)
    .execute(&app.pool)
    .await
    .unwrap();
    for _ in 0..2 {
        reminders::conditions(&app.pool).await.unwrap();
    }
    assert_eq!((count("voorwaarden", w.mw).await, count("voorwaarden", ciso).await), (1, 0));
    sqlx::query("update review_decision set conditions_due = current_date - 1").execute(&app.pool).await.unwrap();
    for _ in 0..2 {
        reminders::conditions(&app.pool).await.unwrap();
    }
    assert_eq!((count("voorwaarden", w.mw).await, count("voorwaarden", ciso).await), (2, 1));
    // Every reminder also went out by e-mail; the incident's subject names the tool only.
    // (submission: 2 CISOs; waiting: 2 CISOs and the directie; incident: 2 CISOs and the FG; evaluations: 3;
    // conditions: the owner twice and 2 CISOs.)
    let got = sink.expect(2 + 3 + 3 + 3 + 4).await;
    let late: Vec<&Value> =
        got.iter().filter(|m| m["headers"]["subject"] == "Incident staat te lang open: Wachtende tool").collect();
    assert_eq!(late.len(), 3);
    assert!(got.iter().all(|m| !m["headers"]["subject"].as_str().unwrap().contains("gelekt")));
}
