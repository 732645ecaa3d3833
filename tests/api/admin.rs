//! Administrator pages: add users (activation link), change roles, deactivate, organisations.

use airegister::auth::roles::Role;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn an_added_user_activates_the_account_with_a_one_time_link() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("admin@gemeente.nl", org, &[Role::Beheerder]).await;
    let c = app.logged_in("admin@gemeente.nl").await;

    let r = app.post(&c, "/beheer/gebruikers", &[("email", "geen-adres"), ("name", ""), ("roles", "onzin")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Vul de naam in.")
            && html.contains("geldig e-mailadres")
            && html.contains("Kies minstens één rol.")
    );
    assert!(html.contains("value=\"geen-adres\""));

    let r = app
        .post(
            &c,
            "/beheer/gebruikers",
            &[
                ("email", "Piet@Gemeente.nl"),
                ("name", "Piet Projectleider"),
                ("roles", "projectleider"),
                ("roles", "medewerker"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("/activeren/").expect("activation link shown");
    let path = html[start..start + "/activeren/".len() + 64].to_string();

    let p = app.client();
    assert_eq!(app.login(&p, "piet@gemeente.nl", "").await.status(), 422, "no password yet");
    assert!(app.get(&p, &path).await.text().await.unwrap().contains("Welkom, Piet Projectleider"));
    let r = p
        .post(app.url(&path))
        .form(&[("password", "nog een lang wachtwoord"), ("password_repeat", "anders")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("niet gelijk"));
    let r = p
        .post(app.url(&path))
        .form(&[("password", "nog een lang wachtwoord"), ("password_repeat", "nog een lang wachtwoord")])
        .send()
        .await
        .unwrap();
    // Signed in at once: no typing the e-mail address again (issue 18).
    assert_eq!(location(&r), "/");
    let html = app.get(&p, "/").await.text().await.unwrap();
    assert!(
        html.contains("Uw wachtwoord is ingesteld. U bent ingelogd.") && html.contains("Welkom, Piet Projectleider")
    );
    assert!(html.contains("Projectleider") && html.contains("Medewerker"));
    assert_eq!(app.get(&p, &path).await.status(), 409, "single use");
    let other = app.client();
    assert_eq!(app.login(&other, "piet@gemeente.nl", "nog een lang wachtwoord").await.status(), 303);
}

/// An activation link opened in a browser where someone else is signed in: that session ends (no session
/// fixation), and a role that needs two-factor login is sent to set it up before anything else.
#[tokio::test]
async fn activation_replaces_the_browsers_session_and_keeps_two_factor_rules() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("admin@gemeente.nl", org, &[Role::Beheerder]).await;
    let admin = app.logged_in("admin@gemeente.nl").await;
    let r = app
        .post(&admin, "/beheer/gebruikers", &[("email", "ciso@gemeente.nl"), ("name", "Carla Ciso"), ("roles", "ciso")])
        .await;
    let html = r.text().await.unwrap();
    let start = html.find("/activeren/").expect("activation link shown");
    let path = html[start..start + "/activeren/".len() + 64].to_string();
    // From now on the organisation requires two-factor login of its CISOs.
    sqlx::query("update organisation set require_mfa = true where organisation_id = $1")
        .bind(org)
        .execute(&app.pool)
        .await
        .unwrap();
    // A colleague's browser, signed in as the colleague.
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let jan = app.logged_in("jan@gemeente.nl").await;
    let sessions_of = "select count(*) from session s join app_user u using (user_id) where u.email = $1";
    let form = app.get(&jan, &path).await.text().await.unwrap();
    assert!(form.contains("name=\"csrf_token\""), "the form works in a browser with a session");
    let r = app
        .post(&jan, &path, &[("password", "nog een lang wachtwoord"), ("password_repeat", "nog een lang wachtwoord")])
        .await;
    assert_eq!(location(&r), "/");
    for (email, n) in [("jan@gemeente.nl", 0), ("ciso@gemeente.nl", 1)] {
        let count: i64 = sqlx::query_scalar(sessions_of).bind(email).fetch_one(&app.pool).await.unwrap();
        assert_eq!(count, n, "the colleague's session is replaced by the new user's: {email}");
    }
    let r = app.get(&jan, "/").await;
    assert_eq!(
        location(&r),
        "/account/tweestapsverificatie",
        "a CISO of this organisation sets up two-factor login first"
    );
}

#[tokio::test]
async fn deactivating_a_user_ends_their_session_at_once() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("admin@gemeente.nl", org, &[Role::Beheerder]).await;
    let jan = app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let admin = app.logged_in("admin@gemeente.nl").await;
    let user = app.logged_in("jan@gemeente.nl").await;
    assert_eq!(app.get(&user, "/").await.status(), 200);

    let r = app.post(&admin, &format!("/beheer/gebruikers/{jan}/deactiveren"), &[]).await;
    assert_eq!(r.status(), 303);
    let r = app.get(&user, "/").await;
    assert_eq!(r.status(), 303, "the deactivated user is out");
    let sessions: i64 = sqlx::query_scalar("select count(*) from session where user_id = $1")
        .bind(jan)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    assert_eq!(
        app.login(&app.client(), "jan@gemeente.nl", crate::helpers::PASSWORD).await.status(),
        422,
        "cannot log in again"
    );
    assert!(
        app.get(&admin, &format!("/beheer/gebruikers/{jan}"))
            .await
            .text()
            .await
            .unwrap()
            .contains("gedeactiveerd en overal uitgelogd")
    );

    let r = app.post(&admin, &format!("/beheer/gebruikers/{jan}/heractiveren"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.login(&app.client(), "jan@gemeente.nl", crate::helpers::PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn changing_roles_uses_optimistic_locking_and_keeps_a_last_administrator() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    let admin_id = app.user("admin@gemeente.nl", org, &[Role::Beheerder]).await;
    let jan = app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.logged_in("admin@gemeente.nl").await;

    let r = app
        .post(
            &c,
            &format!("/beheer/gebruikers/{jan}/rollen"),
            &[("roles", "medewerker"), ("roles", "ciso"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let roles: Vec<String> = sqlx::query_scalar("select role from membership where user_id = $1 order by role")
        .bind(jan)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(roles, vec!["ciso", "medewerker"]);
    let change: (serde_json::Value, serde_json::Value) =
        sqlx::query_as("select before, after from audit_event where action = 'user.roles_changed' and object_id = $1")
            .bind(jan)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(change.0, serde_json::json!({ "roles": ["medewerker"] }));
    assert_eq!(change.1, serde_json::json!({ "roles": ["ciso", "medewerker"], "how": "rollen gewijzigd" }));

    // A second administrator saves on the stale version 0: refused, their choice kept, the current roles told.
    let r = app.post(&c, &format!("/beheer/gebruikers/{jan}/rollen"), &[("roles", "fg"), ("version", "0")]).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("Iemand anders heeft deze gebruiker gewijzigd") && html.contains("CISO"));
    assert!(html.contains("value=\"fg\" checked"));
    let roles: Vec<String> = sqlx::query_scalar("select role from membership where user_id = $1 order by role")
        .bind(jan)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(roles, vec!["ciso", "medewerker"], "no lost update");

    // The last beheerder cannot give up the role.
    let r = app
        .post(&c, &format!("/beheer/gebruikers/{admin_id}/rollen"), &[("roles", "medewerker"), ("version", "0")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("laatste beheerder"));
    // Nor deactivate their own account.
    assert_eq!(app.post(&c, &format!("/beheer/gebruikers/{admin_id}/deactiveren"), &[]).await.status(), 409);

    // Unticking every role removes the person from the organisation.
    let r = app.post(&c, &format!("/beheer/gebruikers/{jan}/rollen"), &[("version", "1")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&c, &format!("/beheer/gebruikers/{jan}")).await.status(), 404);
}

#[tokio::test]
async fn organisations_are_validated_created_and_edited_with_locking() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Alfa", "gm0001").await;
    app.user("admin@alfa.nl", org, &[Role::Beheerder]).await;
    let c = app.logged_in("admin@alfa.nl").await;

    let r = app
        .post(&c, "/beheer/organisaties", &[("org_name", ""), ("org_code", "gemeente"), ("org_email", "geen")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Vul de naam van de organisatie in.")
            && html.contains("TOOI")
            && html.contains("geldig e-mailadres")
    );
    let r = app
        .post(&c, "/beheer/organisaties", &[("org_name", "Dubbel"), ("org_code", "gm0001"), ("org_email", "a@b.nl")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("al een organisatie met deze organisatiecode"));

    let r = app
        .post(
            &c,
            "/beheer/organisaties",
            &[("org_name", "Gemeente Beta"), ("org_code", "gm0002"), ("org_email", "ai@beta.nl")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let beta: uuid::Uuid = sqlx::query_scalar("select organisation_id from organisation where code = 'gm0002'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // The creator administers the new organisation and can now choose between the two.
    let html = app.get(&c, "/beheer/organisaties").await.text().await.unwrap();
    assert!(html.contains("Gemeente Beta") && html.contains("organisatie-keuze"));

    let r = app
        .post(
            &c,
            &format!("/beheer/organisaties/{beta}"),
            &[("org_name", "Gemeente Bèta"), ("org_code", "gm0002"), ("org_email", "ai@beta.nl"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post(
            &c,
            &format!("/beheer/organisaties/{beta}"),
            &[("org_name", "Oud"), ("org_code", "gm0002"), ("org_email", "ai@beta.nl"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Iemand anders heeft deze organisatie gewijzigd")
            && html.contains("Gemeente Bèta")
            && html.contains("value=\"Oud\"")
    );
}

/// An address that already has an account (in another organisation) joins this organisation with the chosen
/// roles; it is not refused with a server error, and adding it twice says so on the e-mail field.
#[tokio::test]
async fn an_existing_account_of_another_organisation_joins_with_its_new_roles() {
    let app = TestApp::spawn().await;
    let first = app.org("Gemeente", "gm0001").await;
    let second = app.org("Samenwerking", "gm0002").await;
    let piet = app.user("piet@gemeente.nl", first, &[Role::Medewerker]).await;
    app.user("admin@samen.nl", second, &[Role::Beheerder]).await;
    let c = app.logged_in("admin@samen.nl").await;

    let form = [("email", "Piet@Gemeente.nl"), ("name", "Piet"), ("roles", "projectleider")];
    let r = app.post(&c, "/beheer/gebruikers", &form).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/beheer/gebruikers/{piet}"));
    let roles: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("select organisation_id, role from membership where user_id = $1 order by role")
            .bind(piet)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(roles.contains(&(first, "medewerker".into())) && roles.contains(&(second, "projectleider".into())));
    // Every change of roles by hand is in the audit trail, with what it was and what it became.
    let after: serde_json::Value = sqlx::query_scalar(
        "select after from audit_event where action = 'user.roles_changed' and object_id = $1 and organisation_id = $2",
    )
    .bind(piet)
    .bind(second)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(after, serde_json::json!({ "roles": ["projectleider"], "how": "bestaand account toegevoegd" }));

    let r = app.post(&c, "/beheer/gebruikers", &form).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("al lid van deze organisatie"));
}
