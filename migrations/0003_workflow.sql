-- The governance workflow (seed 002 §6 and §8): review decisions, FG advice, management consent,
-- assessments with their documents, evaluations, incidents with suspension, and in-app notifications.

alter table application
    add column risk_analysis_reason text,
    add column submitted_by uuid references app_user (user_id) on delete set null,
    add column suspended_at timestamptz,
    add column suspended_by uuid references app_user (user_id) on delete set null,
    add column suspension_reason text,
    add constraint application_risk_analysis_reason_check check (text_length_without_html(risk_analysis_reason) <= 2500),
    -- A suspended tool says why, and who suspended it.
    add constraint application_suspension_check check ((suspended_at is null) = (suspension_reason is null)
        and (suspended_at is null or suspended_by is not null));
create index application_queue_idx on application (organisation_id, submitted_at)
    where workflow_status in ('ingediend', 'in_beoordeling');

-- The CISO's decisions (and returns with questions), one row each; the latest is the current one.
create table review_decision (
    decision_id     uuid primary key,
    application_id  uuid not null references application (application_id) on delete cascade,
    decision        text not null,
    note            text,
    -- Why the CISO decides against a negative FG advice.
    against_fg_reason text,
    decided_by      uuid references app_user (user_id) on delete set null,
    decided_at      timestamptz not null default now(),
    constraint review_decision_decision_check check (decision in
        ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'afgewezen', 'teruggestuurd')),
    -- Conditions, a reason or the questions are required for everything but a plain approval.
    constraint review_decision_note_check check (decision = 'goedgekeurd'
        or char_length(btrim(coalesce(note, ''))) between 5 and 5000),
    constraint review_decision_against_fg_reason_check check (char_length(against_fg_reason) <= 5000)
);
create index review_decision_application_idx on review_decision (application_id, decided_at desc);

-- The FG's advice per submission round: advice counts when given after the latest submission. Both times are
-- taken with clock_timestamp(), not the transaction start, so a round boundary is never earlier than the
-- moment it was written.
create table fg_advice (
    advice_id       uuid primary key,
    application_id  uuid not null references application (application_id) on delete cascade,
    advice          text not null,
    note            text not null,
    given_by        uuid references app_user (user_id) on delete set null,
    given_at        timestamptz not null default clock_timestamp(),
    constraint fg_advice_advice_check check (advice in ('positief', 'negatief', 'geen_bezwaar')),
    constraint fg_advice_note_check check (char_length(btrim(note)) between 5 and 5000)
);
create index fg_advice_application_idx on fg_advice (application_id, given_at desc);

-- Consent of management (directie) for a tool with a high own risk level.
create table management_consent (
    consent_id      uuid primary key,
    application_id  uuid not null references application (application_id) on delete cascade,
    consent         boolean not null,
    note            text,
    given_by        uuid references app_user (user_id) on delete set null,
    given_at        timestamptz not null default clock_timestamp(),
    constraint management_consent_note_check check (char_length(note) <= 5000)
);
create index management_consent_application_idx on management_consent (application_id, given_at desc);

-- Uploaded assessment reports, kept in the database with their checksum.
create table assessment_document (
    document_id     uuid primary key,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    file_name       text not null,
    media_type      text not null,
    size_bytes      integer not null,
    sha256          bytea not null,
    content         bytea not null,
    uploaded_by     uuid references app_user (user_id) on delete set null,
    uploaded_at     timestamptz not null default now(),
    constraint assessment_document_media_type_check check (media_type in ('application/pdf',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.oasis.opendocument.text')),
    constraint assessment_document_size_check check (size_bytes between 1 and 26214400
        and size_bytes = octet_length(content)),
    constraint assessment_document_file_name_check check (char_length(file_name) between 1 and 200)
);

create table assessment (
    assessment_id   uuid primary key,
    application_id  uuid not null references application (application_id) on delete cascade,
    kind            text not null,
    other_name      text,
    status          text not null default 'niet_gestart',
    started_on      date,
    completed_on    date,
    performed_by    text,
    outcome         text,
    residual_risk   text,
    link            text,
    document_id     uuid references assessment_document (document_id) on delete set null,
    publishable     boolean not null default false,
    version         integer not null default 0,
    created_by      uuid references app_user (user_id) on delete set null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint assessment_kind_check check (kind in ('prescan_dpia', 'dpia', 'iama', 'fraia', 'aiia', 'dtia', 'kia',
        'bio_quickscan', 'anders')),
    constraint assessment_other_name_check check ((kind = 'anders') = (other_name is not null)
        and char_length(other_name) <= 100),
    constraint assessment_status_check check (status in ('niet_gestart', 'in_uitvoering', 'afgerond')),
    -- A completed assessment has its date and its outcome.
    constraint assessment_completed_check check (status <> 'afgerond' or (completed_on is not null
        and char_length(btrim(coalesce(outcome, ''))) > 0)),
    constraint assessment_dates_check check (completed_on is null or started_on is null or completed_on >= started_on),
    constraint assessment_performed_by_check check (char_length(performed_by) <= 200),
    constraint assessment_outcome_check check (char_length(outcome) <= 5000),
    constraint assessment_residual_risk_check check (residual_risk in ('laag', 'middel', 'hoog')),
    constraint assessment_link_check check (is_https_link(link)),
    constraint assessment_source_check check (link is null or document_id is null)
);
create trigger assessment_updated_at before update on assessment
    for each row execute function set_updated_at();
create index assessment_application_idx on assessment (application_id);

-- Periodic evaluations (seed 002 §8: at least yearly).
create table evaluation (
    evaluation_id   uuid primary key,
    application_id  uuid not null references application (application_id) on delete cascade,
    evaluated_on    date not null,
    outcome         text not null,
    note            text not null,
    next_evaluation date not null,
    evaluated_by    uuid references app_user (user_id) on delete set null,
    created_at      timestamptz not null default now(),
    constraint evaluation_outcome_check check (outcome in ('voortzetten', 'aanpassen', 'stoppen')),
    constraint evaluation_note_check check (char_length(btrim(note)) between 5 and 5000),
    constraint evaluation_next_check check (next_evaluation > evaluated_on)
);
create index evaluation_application_idx on evaluation (application_id, evaluated_on desc);

-- Incidents (meldplicht, seed 002 §8, seed 003 art. 6).
create table incident (
    incident_id     uuid primary key,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    application_id  uuid not null references application (application_id) on delete cascade,
    kind            text not null,
    severity        text not null,
    description     text not null,
    status          text not null default 'gemeld',
    handling_note   text,
    reported_by     uuid references app_user (user_id) on delete set null,
    reported_at     timestamptz not null default now(),
    version         integer not null default 0,
    updated_at      timestamptz not null default now(),
    constraint incident_kind_check check (kind in ('datalek', 'onjuiste_uitvoer', 'bias', 'beveiligingsincident', 'anders')),
    constraint incident_severity_check check (severity in ('laag', 'middel', 'hoog', 'kritiek')),
    constraint incident_description_check check (char_length(btrim(description)) between 10 and 5000),
    constraint incident_status_check check (status in ('gemeld', 'in_behandeling', 'afgehandeld')),
    constraint incident_handling_note_check check (char_length(handling_note) <= 5000)
);
create trigger incident_updated_at before update on incident
    for each row execute function set_updated_at();
create index incident_organisation_idx on incident (organisation_id, status, reported_at desc);
create index incident_application_idx on incident (application_id, reported_at desc);

-- In-app notifications. `dedupe_key` keeps periodic reminders (evaluation due) from repeating.
create table notification (
    notification_id uuid primary key,
    user_id         uuid not null references app_user (user_id) on delete cascade,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    kind            text not null,
    application_id  uuid references application (application_id) on delete cascade,
    message         text not null,
    link            text not null,
    dedupe_key      text,
    created_at      timestamptz not null default now(),
    read_at         timestamptz,
    constraint notification_kind_check check (kind in ('ingediend', 'advies_gevraagd', 'besluit',
        'toestemming_nodig', 'evaluatie', 'incident', 'opgeschort')),
    constraint notification_link_check check (link ~ '^/'),
    constraint notification_dedupe_key unique (user_id, dedupe_key)
);
create index notification_user_idx on notification (user_id, organisation_id, created_at desc);
create index notification_unread_idx on notification (user_id, organisation_id) where read_at is null;
