-- Publication: which registrations go public, what employees must know when using a tool, the connection to
-- the national Algoritmeregister's upload API and the sync state per registration.

-- Null = not decided (not published). Only approved registrations (goedgekeurd, onder voorwaarden, in/buiten
-- gebruik) that are marked are exported and shown on the public register.
alter table application add column publish boolean;
-- "Aandachtspunten" of the allowed-tools list (seed 003), shown to every employee.
alter table application add column attention_points text;
alter table application add constraint application_attention_points_check
    check (text_length_without_html(attention_points) <= 1000);

-- The organisation's account at the national register (aanleverapi v1.0). The password is never stored: it
-- comes from the environment or is typed at upload time; the bearer token lives in memory only.
create table register_connection (
    organisation_id uuid primary key references organisation (organisation_id) on delete cascade,
    api_url         text not null,
    token_url       text not null,
    client_id       text not null,
    username        text not null,
    register_org_id text not null,
    version         integer not null default 0,
    updated_by      uuid references app_user (user_id) on delete set null,
    updated_at      timestamptz not null default now(),
    constraint register_connection_api_url_check check (api_url ~ '^https?://[^\s]+$' and char_length(api_url) <= 500),
    constraint register_connection_token_url_check check (token_url ~ '^https?://[^\s]+$' and char_length(token_url) <= 500),
    constraint register_connection_client_id_check check (char_length(btrim(client_id)) between 1 and 200),
    constraint register_connection_username_check check (char_length(btrim(username)) between 1 and 200),
    constraint register_connection_org_check check (register_org_id ~ '^[a-z0-9_]{2,40}$')
);

-- What the national register knows of a registration (its lars code is application.lars): the state after our last call, the hash
-- of the body we last sent (to see "changed since the last upload"), the register's own summary from the
-- last reconciliation and the last error (per field for a 422).
create table register_sync (
    application_id  uuid primary key references application (application_id) on delete cascade,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    state           text not null,
    payload_hash    bytea,
    uploaded_at     timestamptz,
    released_at     timestamptz,
    remote          jsonb,
    reconciled_at   timestamptz,
    last_error      jsonb,
    last_error_at   timestamptz,
    constraint register_sync_state_check check (state in ('nieuw', 'aangemaakt', 'bijgewerkt', 'vrijgegeven', 'gepubliceerd', 'fout'))
);
create index register_sync_organisation_idx on register_sync (organisation_id);
create index application_published_idx on application (organisation_id, name)
    where publish and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'buiten_gebruik');
