-- Filled-in government questionnaires (Pre-scan DPIA, DPIA, IAMA), each attached to an assessment record of
-- the application; several people may contribute (optimistic locking on version).
create table questionnaire (
    questionnaire_id uuid primary key,
    assessment_id   uuid not null references assessment (assessment_id) on delete cascade,
    application_id  uuid not null references application (application_id) on delete cascade,
    kind            text not null,
    definition_name text not null,
    definition_version text not null,
    answers         jsonb not null default '{}',
    -- For a pre-scan: the verdict per instrument at completion.
    verdicts        jsonb,
    status          text not null default 'in_uitvoering',
    version         integer not null default 0,
    started_by      uuid references app_user (user_id) on delete set null,
    updated_by      uuid references app_user (user_id) on delete set null,
    completed_by    uuid references app_user (user_id) on delete set null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    completed_at    timestamptz,
    constraint questionnaire_kind_check check (kind in ('prescan', 'dpia', 'iama')),
    constraint questionnaire_status_check check (status in ('in_uitvoering', 'afgerond')),
    constraint questionnaire_answers_check check (jsonb_typeof(answers) = 'object'),
    constraint questionnaire_assessment_key unique (assessment_id)
);
create trigger questionnaire_updated_at before update on questionnaire
    for each row execute function set_updated_at();
create index questionnaire_application_idx on questionnaire (application_id, kind, completed_at desc);
