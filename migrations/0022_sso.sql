-- Inloggen met organisatie-account (issue 19): OpenID Connect per organisation. The client secret is never
-- stored here: it comes from a file (secret_file, or AIREGISTER_OIDC_<CODE>_SECRET_FILE) or the environment
-- (AIREGISTER_OIDC_<CODE>_SECRET), so no page or backup of the database can show it.
create table sso_provider (
    organisation_id uuid primary key references organisation (organisation_id) on delete cascade,
    enabled         boolean not null default false,
    -- "Inloggen met <label>" on the login page, e.g. "Gemeente-account".
    label           text not null,
    issuer          text not null,
    client_id       text not null,
    secret_file     text,
    scopes          text not null default 'openid email profile',
    email_claim     text not null default 'email',
    name_claim      text not null default 'name',
    groups_claim    text not null default 'groups',
    -- Empty: every domain / every group may sign in.
    allowed_domains text[] not null default '{}',
    allowed_groups  text[] not null default '{}',
    -- The ID token's amr or acr values that count as the provider's two-factor login.
    mfa_amr         text[] not null default '{}',
    mfa_acr         text[] not null default '{}',
    -- Off: only beheerders (break-glass) may still log in with a password.
    local_login     boolean not null default true,
    version         integer not null default 0,
    updated_at      timestamptz not null default now(),
    constraint sso_provider_label_check check (length(btrim(label)) between 1 and 60),
    constraint sso_provider_issuer_check check (issuer ~ '^https?://' and length(issuer) <= 500),
    constraint sso_provider_client_id_check check (length(btrim(client_id)) between 1 and 300)
);

-- Provider groups (ids or names) that give a role; at every login the roles from groups follow these.
create table sso_group_role (
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    group_name      text not null,
    role            text not null,
    constraint sso_group_role_pkey primary key (organisation_id, group_name, role),
    constraint sso_group_role_group_check check (length(btrim(group_name)) between 1 and 300)
);

-- A person at a provider (issuer + subject), linked to one account.
create table sso_identity (
    issuer          text not null,
    subject         text not null,
    user_id         uuid not null references app_user (user_id) on delete cascade,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    created_at      timestamptz not null default now(),
    last_login_at   timestamptz not null default now(),
    constraint sso_identity_pkey primary key (issuer, subject)
);
create index sso_identity_user on sso_identity (user_id);

-- A login under way: kept server-side, found through a cookie of the browser that started it (only its
-- SHA-256 here), used once, valid ten minutes.
create table sso_login (
    browser_hash    bytea primary key,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    state           text not null,
    nonce           text not null,
    pkce_verifier   text not null,
    next            text not null,
    created_at      timestamptz not null default now()
);

-- Where a role comes from: granted by hand in the application, or from the provider's groups at login.
alter table membership add column source text not null default 'hand';
alter table membership add constraint membership_source_check check (source in ('hand', 'sso'));
