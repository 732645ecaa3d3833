-- The Algoritmekader per registration (issue 23): the set of applicable requirements as last taken over from
-- the AI Act outcome (so a changed outcome shows its difference), requirements marked not applicable with a
-- reason, and per measure its status, owner, evidence and review date.
create table kader_requirement (
    application_id  uuid not null references application (application_id) on delete cascade,
    requirement     text not null,
    -- Whether it follows from the latest AI Act outcome taken over (false: it did once, no longer).
    applicable      boolean not null default true,
    -- The measures that serve it, as in the reference data when taken over (the gate counts these).
    measures        text[] not null default '{}',
    not_applicable_reason text,
    updated_by      uuid references app_user (user_id) on delete set null,
    updated_at      timestamptz not null default now(),
    primary key (application_id, requirement),
    constraint kader_requirement_reason_check check (not_applicable_reason is null or btrim(not_applicable_reason) <> '')
);

create table kader_measure (
    application_id  uuid not null references application (application_id) on delete cascade,
    measure         text not null,
    status          text not null default 'te_doen',
    reason          text,
    owner_id        uuid references app_user (user_id) on delete set null,
    evidence        text,
    evidence_url    text,
    review_date     date,
    updated_by      uuid references app_user (user_id) on delete set null,
    updated_at      timestamptz not null default now(),
    version         integer not null default 0,
    primary key (application_id, measure),
    constraint kader_measure_status_check check (status in ('te_doen', 'in_uitvoering', 'gereed', 'niet_van_toepassing')),
    constraint kader_measure_reason_check check (status <> 'niet_van_toepassing' or btrim(coalesce(reason, '')) <> '')
);
