-- The Beslishulp AI-verordening per application: every run with its answers (and remarks), the tree version,
-- who answered, and the outcome. At most one unfinished run per application; finished runs are history.
create table ai_act_run (
    run_id          uuid primary key,
    application_id  uuid not null references application (application_id) on delete cascade,
    tree_name       text not null,
    tree_version    text not null,
    answers         jsonb not null default '[]',
    labels          text[] not null default '{}',
    subresults      text[] not null default '{}',
    conclusion_id   text,
    conclusion      text,
    obligation      text,
    roles           text[] not null default '{}',
    system_type     text,
    risk_group      text,
    transparency    text,
    started_by      uuid references app_user (user_id) on delete set null,
    started_at      timestamptz not null default now(),
    completed_by    uuid references app_user (user_id) on delete set null,
    completed_at    timestamptz,
    version         integer not null default 0,
    constraint ai_act_run_answers_check check (jsonb_typeof(answers) = 'array'),
    constraint ai_act_run_completed_check check ((completed_at is null) = (conclusion_id is null))
);
create unique index ai_act_run_open_idx on ai_act_run (application_id) where completed_at is null;
create index ai_act_run_application_idx on ai_act_run (application_id, started_at desc);
