-- "Nieuwe AI-tool aanvragen" (issue 18, items 1 and 2): an employee's short request for a tool, its own record
-- (not a registration), and the CISO's triage of it: accept (a concept registration for a chosen owner),
-- "valt onder bestaande registratie" (linked), a question back to the requester, or a rejection with a reason.
create table tool_request (
    request_id      uuid primary key,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    requested_by    uuid references app_user (user_id) on delete set null,
    tool_name       text not null,
    purpose         text,
    data_classes    text[] not null default '{}',
    department      text,
    user_count      text,
    usage           text,
    supplier        text,
    citizens        text,
    status          text not null default 'concept',
    -- The registration made on acceptance, or the existing one it falls under.
    application_id  uuid references application (application_id) on delete set null,
    owner_id        uuid references app_user (user_id) on delete set null,
    -- Why it was rejected, or what the CISO adds when linking it to an existing registration.
    reason          text,
    decided_by      uuid references app_user (user_id) on delete set null,
    decided_at      timestamptz,
    submitted_at    timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    version         integer not null default 0,
    constraint tool_request_tool_name_check check (char_length(btrim(tool_name)) between 1 and 100),
    constraint tool_request_purpose_check check (char_length(purpose) <= 2000),
    constraint tool_request_data_classes_check check (data_classes <@ array['dc_openbaar', 'dc_intern',
        'dc_vertrouwelijk', 'dc_persoonsgegevens', 'dc_bijzondere', 'dc_beveiliging', 'dc_klant', 'dc_financieel']),
    constraint tool_request_department_check check (char_length(department) <= 100),
    constraint tool_request_user_count_check check (user_count in ('1', '2-10', '11-50', '51-250', '250+')),
    constraint tool_request_usage_check check (usage in ('in_gebruik', 'gepland')),
    constraint tool_request_supplier_check check (char_length(supplier) <= 300),
    constraint tool_request_citizens_check check (citizens in ('ja', 'nee', 'weet_niet')),
    constraint tool_request_status_check check (status in ('concept', 'ingediend', 'vraag_gesteld', 'geaccepteerd',
        'gekoppeld', 'afgewezen')),
    constraint tool_request_reason_check check (char_length(reason) <= 2000),
    -- What the triage needs is there once it happened: a registration for accepted and linked, a reason for
    -- a rejection, and a submitted request has its answers.
    constraint tool_request_decided_check check (
        (status not in ('geaccepteerd', 'gekoppeld') or application_id is not null)
        and (status <> 'geaccepteerd' or owner_id is not null)
        and (status <> 'afgewezen' or char_length(btrim(reason)) >= 5)),
    constraint tool_request_submitted_check check (status = 'concept' or (submitted_at is not null
        and purpose is not null and department is not null and user_count is not null and usage is not null
        and citizens is not null and cardinality(data_classes) > 0))
);
create trigger tool_request_updated_at before update on tool_request
    for each row execute function set_updated_at();
-- The CISO's queue (oldest first) and the requester's own list.
create index tool_request_queue_idx on tool_request (organisation_id, status, submitted_at);
create index tool_request_requester_idx on tool_request (requested_by, created_at desc);

-- The thread of a request: the CISO's questions and the requester's answers, in order.
create table tool_request_message (
    message_id uuid primary key,
    request_id uuid not null references tool_request (request_id) on delete cascade,
    author_id  uuid references app_user (user_id) on delete set null,
    kind       text not null,
    body       text not null,
    created_at timestamptz not null default now(),
    constraint tool_request_message_kind_check check (kind in ('vraag', 'antwoord')),
    constraint tool_request_message_body_check check (char_length(btrim(body)) between 2 and 5000)
);
create index tool_request_message_request_idx on tool_request_message (request_id, created_at);

-- Notifications of a request's life: the CISOs when one is submitted or answered, the requester at every
-- triage step, the chosen owner of the registration made from it.
insert into notification_kind (kind) values ('aanvraag_ingediend'), ('aanvraag_vraag'), ('aanvraag_besluit'),
    ('registratie_aanvullen');
