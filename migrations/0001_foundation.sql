-- Foundation: organisations, users, roles per organisation, sessions, one-time account links.
-- Conventions: lowercase SQL, singular table names, <table>_id keys, named constraints (the code maps
-- constraint names to Dutch field errors), a version column on everything two people can edit.

create function set_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

create table organisation (
    organisation_id uuid primary key,
    name            text not null,
    -- The national Algoritmeregister's organisation code (TOOI/ROO based, e.g. gm0344, mnre1034),
    -- an OIN (20 digits) or a Belgian KBO number (10 digits).
    code            text not null,
    contact_email   text not null,
    version         integer not null default 0,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint organisation_name_check check (length(btrim(name)) between 1 and 100),
    constraint organisation_code_check check (code ~ '^([a-z]{2,8}[0-9]{1,8}|[0-9]{10}|[0-9]{20})$'),
    constraint organisation_contact_email_check check (contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(contact_email) <= 254),
    constraint organisation_code_key unique (code)
);
create trigger organisation_updated_at before update on organisation
    for each row execute function set_updated_at();

create table app_user (
    user_id         uuid primary key,
    -- Stored lower-cased; the unique constraint makes e-mail addresses case-insensitive.
    email           text not null,
    name            text not null,
    -- PHC string, argon2id.
    password_hash   text,
    active          boolean not null default true,
    failed_logins   integer not null default 0,
    locked_until    timestamptz,
    last_login_at   timestamptz,
    version         integer not null default 0,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint app_user_email_check check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254),
    constraint app_user_name_check check (length(btrim(name)) between 1 and 200),
    constraint app_user_email_key unique (email)
);
create trigger app_user_updated_at before update on app_user
    for each row execute function set_updated_at();

-- A user's roles, per organisation. Being a member of an organisation means holding at least one role in it.
create table membership (
    user_id         uuid not null references app_user (user_id) on delete cascade,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    role            text not null,
    created_at      timestamptz not null default now(),
    constraint membership_pkey primary key (user_id, organisation_id, role),
    constraint membership_role_check check (role in ('medewerker', 'projectleider', 'ciso', 'fg', 'directie', 'beheerder'))
);
create index membership_organisation_idx on membership (organisation_id, role);

-- Server-side sessions. Only the SHA-256 of the session id is stored, so a copy of this table cannot be
-- used to take over sessions.
create table session (
    session_hash    bytea primary key,
    user_id         uuid not null references app_user (user_id) on delete cascade,
    organisation_id uuid references organisation (organisation_id) on delete set null,
    csrf_token      text not null,
    flash           text,
    created_at      timestamptz not null default now(),
    last_seen_at    timestamptz not null default now()
);
create index session_user_idx on session (user_id);
create index session_last_seen_idx on session (last_seen_at);

-- One-time links: the first administrator's setup link and activation links for new accounts.
create table account_token (
    token_hash      bytea primary key,
    purpose         text not null,
    user_id         uuid references app_user (user_id) on delete cascade,
    expires_at      timestamptz,
    created_at      timestamptz not null default now(),
    constraint account_token_purpose_check check (purpose in ('setup', 'activation')),
    constraint account_token_user_check check ((purpose = 'setup') = (user_id is null))
);
