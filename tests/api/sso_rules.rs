//! What the organisation's provider changes for two-factor login and local accounts (issue 19, items 4 and
//! 5, and the fixes), against the real oidc-provider of sso.rs: the provider's amr satisfies the two-factor
//! rule for a CISO and its absence leaves the application's own set-up or code; local login switched off
//! refuses passwords and activation except for beheerders; an API token within ten minutes of a provider
//! login needs no password; roles granted by hand keep their source; an existing beheerder or an account of
//! another organisation is not linked by e-mail address.

use airegister::auth::roles::Role;
use airegister::auth::totp::{current_code, new_secret};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, location};
use crate::sso::{Provider, configure, have_node, pairs, roles, sso_login};

async fn person(p: &Provider, sub: &str, groups: &[&str], amr: &[&str]) {
    let email = format!("{sub}@gemeente.example");
    let body = json!({"sub": sub, "email": email, "name": format!("Naam {sub}"), "groups": groups, "amr": amr});
    p.control("/test/user", body).await;
}

async fn exec(app: &TestApp, sql: &str, org: Uuid) {
    sqlx::query(sql).bind(org).execute(&app.pool).await.unwrap();
}

/// An organisation that requires two-factor login of CISOs, counts amr "mfa" as two-factor, and makes
/// members of group "cisos" CISO.
async fn strict_org(app: &TestApp, p: &Provider, code: &str) -> Uuid {
    let org = configure(app, p, code).await;
    exec(app, "update organisation set require_mfa = true where organisation_id = $1", org).await;
    exec(app, "update sso_provider set mfa_amr = '{mfa}' where organisation_id = $1", org).await;
    exec(app, "insert into sso_group_role (organisation_id, group_name, role) values ($1, 'cisos', 'ciso')", org).await;
    org
}

#[tokio::test]
async fn the_providers_two_factor_login_counts_for_a_ciso() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = strict_org(&app, &p, "gm0201").await;
    person(&p, "carla", &["cisos"], &["pwd", "mfa"]).await;
    person(&p, "dirk", &["cisos"], &["pwd"]).await;

    let c = app.client();
    let r = sso_login(&app, &c, org, "carla").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/account".to_string()));
    let page = app.get(&c, "/account").await;
    assert_eq!(page.status(), 200, "no set-up of the application's own second factor");
    let mfa: bool = sqlx::query_scalar("select mfa from sso_session").fetch_one(&app.pool).await.unwrap();
    assert!(mfa);

    // Without the provider's second factor the application's own rule applies: set it up first ...
    let d = app.client();
    assert_eq!(sso_login(&app, &d, org, "dirk").await.status(), 303);
    let r = app.get(&d, "/account").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/account/tweestapsverificatie".to_string()));
    // ... and once it is set up, its code is asked after the provider's login.
    let secret = new_secret();
    sqlx::query("update app_user set totp_secret = $1, totp_enabled_at = now() where email = 'dirk@gemeente.example'")
        .bind(&secret)
        .execute(&app.pool)
        .await
        .unwrap();
    let d = app.client();
    let r = sso_login(&app, &d, org, "dirk").await;
    assert!(location(&r).starts_with("/inloggen/code"), "{}", location(&r));
    assert_eq!(app.get(&d, "/account").await.status(), 303, "not in before the code");
    let code = format!("{:06}", current_code(&secret));
    let r =
        d.post(app.url("/inloggen/code")).form(&[("code", code.as_str()), ("next", "/account")]).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(app.get(&d, "/account").await.status(), 200);
    let (sessions, linked): (i64, i64) = sqlx::query_as(
        "select count(*), count(x.session_hash) from session s join app_user u using (user_id)
           left join sso_session x using (session_hash)
          where u.email = 'dirk@gemeente.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Dirk's two logins: the first (sent to set-up) and the one finished with the code, which replaced its
    // pending session and kept the link to the provider's login.
    assert_eq!((sessions, linked), (2, 2));
}

#[tokio::test]
async fn local_login_off_leaves_only_beheerders_a_password() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Wachtdam", "gm0202").await;
    sqlx::query(
        "insert into sso_provider (organisation_id, enabled, label, issuer, client_id)
         values ($1, true, 'Wachtdam-account', 'http://127.0.0.1:9', 'airegister')",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    app.user("mw@wachtdam.example", org, &[Role::Medewerker]).await;
    app.user("baas@wachtdam.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    let new = {
        let mut tx = app.pool.begin().await.unwrap();
        let id = airegister::auth::users::create_user(&mut tx, "nieuw@wachtdam.example", "Nieuw", None).await.unwrap();
        airegister::auth::users::set_roles(&mut tx, id, org, &[Role::Medewerker]).await.unwrap();
        let token = airegister::auth::users::issue_activation_token(&mut tx, id).await.unwrap();
        tx.commit().await.unwrap();
        token
    };
    // Switched on: everyone as before.
    assert_eq!(app.login(&app.client(), "mw@wachtdam.example", PASSWORD).await.status(), 303);

    exec(&app, "update sso_provider set local_login = false where organisation_id = $1", org).await;
    let r = app.login(&app.client(), "mw@wachtdam.example", PASSWORD).await;
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("Inloggen met Wachtdam-account"), "{page}");
    assert!(page.contains("mw@wachtdam.example"), "the form comes back filled in");
    // A wrong password still gets the usual answer (it does not tell the rule, nor that the account exists).
    assert_eq!(app.login(&app.client(), "mw@wachtdam.example", "fout-wachtwoord").await.status(), 422);
    assert_eq!(app.login(&app.client(), "baas@wachtdam.example", PASSWORD).await.status(), 303, "break-glass");

    let activation = format!("/activeren/{new}");
    let r = app.get(&app.client(), &activation).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Inloggen met Wachtdam-account"));
    let pw = "een-lang-nieuw-wachtwoord-42";
    let r = app.client().post(app.url(&activation)).form(&[("password", pw), ("password_repeat", pw)]).send().await;
    assert_eq!(r.unwrap().status(), 403);
    let hash: Option<String> =
        sqlx::query_scalar("select password_hash from app_user where email = 'nieuw@wachtdam.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(hash.is_none(), "no password was set");
}

#[tokio::test]
async fn an_api_token_within_ten_minutes_of_the_providers_login() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0203").await;
    let c = app.client();
    assert_eq!(sso_login(&app, &c, org, "anna").await.status(), 303);
    let page = app.get(&c, "/account/api-tokens").await.text().await.unwrap();
    assert!(page.contains("een wachtwoord is niet nodig"), "{page}");
    assert!(!page.contains("name=\"password\""));
    let r = app.post(&c, "/account/api-tokens", &[("name", "Koppeling"), ("validity", "90")]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("air_"), "the new token is shown");

    sqlx::query("update sso_session set created_at = now() - interval '11 minutes'").execute(&app.pool).await.unwrap();
    let page = app.get(&c, "/account/api-tokens").await.text().await.unwrap();
    assert!(page.contains("meld u opnieuw aan met uw organisatie-account"), "the way without a password is named");
    let r = app.post(&c, "/account/api-tokens", &[("name", "Later"), ("validity", "90")]).await;
    assert_eq!(r.status(), 422, "after ten minutes the provider's login no longer counts");
    // Anna has no password here: she is told to sign in again at her organisation, not to type one.
    assert!(r.text().await.unwrap().contains("U heeft geen wachtwoord in AI-register. Log uit en opnieuw in"));
    let n: i64 = sqlx::query_scalar("select count(*) from api_token").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn roles_edited_by_hand_keep_their_source() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = strict_org(&app, &p, "gm0204").await;
    exec(&app, "update organisation set require_mfa = false where organisation_id = $1", org).await;
    person(&p, "bob", &["cisos"], &["pwd"]).await;
    assert_eq!(sso_login(&app, &app.client(), org, "bob").await.status(), 303);
    app.user("beheer@gemeente.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    let admin = app.logged_in("beheer@gemeente.example").await;
    let (bob, version): (Uuid, i32) =
        sqlx::query_as("select user_id, version from app_user where email = 'bob@gemeente.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let v = version.to_string();
    let form = [("roles", "medewerker"), ("roles", "ciso"), ("roles", "fg"), ("version", v.as_str())];
    let r = app.post(&admin, &format!("/beheer/gebruikers/{bob}/rollen"), &form).await;
    assert_eq!(r.status(), 303);
    let want = pairs(&[("ciso", "sso"), ("fg", "hand"), ("medewerker", "sso")]);
    assert_eq!(roles(&app, "bob@gemeente.example", org).await, want);
    let page = app.get(&admin, &format!("/beheer/gebruikers/{bob}")).await.text().await.unwrap();
    assert!(page.contains("CISO (via organisatie-account)"), "{page}");
    assert!(page.contains("(FG) (handmatig toegekend)"), "{page}");
}

#[tokio::test]
async fn an_existing_beheerder_or_outsider_is_not_linked_by_email() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0205").await;
    let other = app.org("Gemeente Elders", "gm0206").await;
    app.user("baas@gemeente.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    app.user("gast@gemeente.example", other, &[Role::Medewerker]).await;
    person(&p, "baas", &[], &["pwd"]).await;
    person(&p, "gast", &[], &["pwd"]).await;
    for sub in ["baas", "gast"] {
        let r = sso_login(&app, &app.client(), org, sub).await;
        assert_eq!(r.status(), 403, "{sub}");
        let page = r.text().await.unwrap();
        assert!(page.contains("kan niet aan uw organisatie-account worden gekoppeld"), "{page}");
    }
    let linked: i64 = sqlx::query_scalar("select count(*) from sso_identity").fetch_one(&app.pool).await.unwrap();
    assert_eq!(linked, 0);
    assert_eq!(roles(&app, "gast@gemeente.example", org).await, pairs(&[]), "no membership was added");
}

async fn login_event(app: &TestApp) -> serde_json::Value {
    sqlx::query_scalar("select after from audit_event where action = 'user.login_sso' order by audit_id desc limit 1")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_without_groups_keeps_the_roles_and_scim_groups_decide_over_the_login() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = strict_org(&app, &p, "gm0205").await;
    exec(&app, "update organisation set require_mfa = false where organisation_id = $1", org).await;
    person(&p, "eva", &["cisos"], &["pwd"]).await;
    assert_eq!(sso_login(&app, &app.client(), org, "eva").await.status(), 303);
    let ciso = pairs(&[("ciso", "sso"), ("medewerker", "sso")]);
    assert_eq!(roles(&app, "eva@gemeente.example", org).await, ciso);
    assert_eq!(login_event(&app).await["roles_from"], "token");

    // The provider stops sending the claim (e.g. Entra ID's group overage): nothing is known, nothing changes.
    let body = json!({"sub": "eva", "email": "eva@gemeente.example", "name": "Eva", "groups": null, "amr": ["pwd"]});
    p.control("/test/user", body).await;
    assert_eq!(sso_login(&app, &app.client(), org, "eva").await.status(), 303);
    assert_eq!(roles(&app, "eva@gemeente.example", org).await, ciso, "a missing claim takes no roles away");
    assert_eq!(login_event(&app).await["roles_from"], "unchanged");
    // A new person without the claim still gets an account as medewerker.
    let body = json!({"sub": "finn", "email": "finn@gemeente.example", "name": "Finn", "groups": null, "amr": ["pwd"]});
    p.control("/test/user", body).await;
    assert_eq!(sso_login(&app, &app.client(), org, "finn").await.status(), 303);
    assert_eq!(roles(&app, "finn@gemeente.example", org).await, pairs(&[("medewerker", "sso")]));

    // Once SCIM provisions the organisation's groups, SCIM alone decides: a login with other groups (an empty
    // list here) leaves the roles SCIM gave.
    exec(
        &app,
        "insert into scim_group (scim_group_id, organisation_id, display_name) values (gen_random_uuid(), $1, 'cisos')",
        org,
    )
    .await;
    person(&p, "eva", &[], &["pwd"]).await;
    assert_eq!(sso_login(&app, &app.client(), org, "eva").await.status(), 303);
    assert_eq!(roles(&app, "eva@gemeente.example", org).await, ciso, "SCIM's roles stay");
    assert_eq!(login_event(&app).await["roles_from"], "scim");
    let changes: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'user.roles_from_groups'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(changes, 2, "eva's first login and finn's account; no change since");
}
