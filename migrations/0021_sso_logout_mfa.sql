-- Logout with the organisation's identity provider (issue 19, items 3 and 4). This migration runs before
-- 0022_sso.sql on a new database, so it refers only to tables of earlier migrations.

-- An application session that began at a provider: what RP-initiated logout needs (the ID token for
-- id_token_hint) and what a back-channel logout names (the provider's sid, or sub at that issuer). Ends with
-- its session. `mfa`: the ID token's amr/acr met the organisation's two-factor values, so this session
-- counts as a two-factor login.
create table sso_session (
    session_hash    bytea primary key references session (session_hash) on delete cascade,
    user_id         uuid not null references app_user (user_id) on delete cascade,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    issuer          text not null,
    subject         text not null,
    sid             text,
    id_token        text not null,
    mfa             boolean not null default false,
    created_at      timestamptz not null default now()
);
create index sso_session_sid on sso_session (issuer, sid);
create index sso_session_subject on sso_session (issuer, subject);

-- Back-channel logout tokens already used (their jti), kept until they could no longer be accepted anyway.
create table sso_logout_jti (
    issuer     text not null,
    jti        text not null,
    expires_at timestamptz not null,
    constraint sso_logout_jti_pkey primary key (issuer, jti)
);
create index sso_logout_jti_expires on sso_logout_jti (expires_at);
