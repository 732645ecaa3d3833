-- SCIM 2.0 provisioning (issue 19, item 6): an identity provider (Entra ID) creates, changes and deactivates
-- accounts and group memberships through /scim/v2, with a bearer token per organisation.

-- Tokens: made by a beheerder or the CLI, shown once, only the SHA-256 stored.
create table scim_token (
    scim_token_id   uuid primary key,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    name            text not null,
    token_hash      bytea not null,
    prefix          text not null,
    created_by      uuid references app_user (user_id) on delete set null,
    created_at      timestamptz not null default now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    constraint scim_token_name_check check (length(btrim(name)) between 1 and 100),
    constraint scim_token_hash_key unique (token_hash)
);
create index scim_token_organisation on scim_token (organisation_id);

-- An account as the provider sees it in one organisation: its externalId and the resource it last sent
-- (name parts, e-mail addresses, ...), so what the provider wrote reads back the same.
create table scim_user (
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    user_id         uuid not null references app_user (user_id) on delete cascade,
    external_id     text,
    resource        jsonb not null default '{}',
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint scim_user_pkey primary key (organisation_id, user_id),
    constraint scim_user_external_id_key unique (organisation_id, external_id)
);
create index scim_user_user on scim_user (user_id);

-- A provider group; its displayName, id and externalId are what sso_group_role maps to roles.
create table scim_group (
    scim_group_id   uuid primary key,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    display_name    text not null,
    external_id     text,
    version         integer not null default 0,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint scim_group_name_check check (length(btrim(display_name)) between 1 and 300),
    constraint scim_group_name_key unique (organisation_id, display_name)
);

create table scim_group_member (
    scim_group_id   uuid not null references scim_group (scim_group_id) on delete cascade,
    user_id         uuid not null references app_user (user_id) on delete cascade,
    constraint scim_group_member_pkey primary key (scim_group_id, user_id)
);
create index scim_group_member_user on scim_group_member (user_id);

-- Leavers: since when an account is deactivated (the CISO's task "Nieuwe eigenaar toewijzen" waits since then).
alter table app_user add column deactivated_at timestamptz;
update app_user set deactivated_at = updated_at where not active;
