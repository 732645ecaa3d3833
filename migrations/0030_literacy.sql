-- AI-literacy (issue 22, items 3 and 4; AI Act art. 4): trainings as records, who completed which one and when,
-- and which training is required per role or per tool. A completion counts once it is confirmed (entered by the
-- administrator or imported, or entered by the person and confirmed by the administrator) and until the
-- training's validity runs out.
create table training (
    training_id      uuid primary key,
    organisation_id  uuid not null references organisation (organisation_id) on delete cascade,
    title            text not null,
    provider         text,
    level            text not null,
    -- In minutes; optional (a reading or a course of unknown length).
    duration_minutes integer,
    -- Null: valid indefinitely.
    validity_months  integer,
    link             text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint training_title_check check (char_length(btrim(title)) between 1 and 200),
    constraint training_provider_check check (char_length(provider) <= 200),
    constraint training_level_check check (level in ('basis', 'gevorderd', 'specialistisch')),
    constraint training_duration_check check (duration_minutes between 1 and 100000),
    constraint training_validity_check check (validity_months between 1 and 240),
    constraint training_link_check check (link ~ '^https://' and char_length(link) <= 2000)
);
create unique index training_title_key on training (organisation_id, lower(btrim(title)));
create trigger training_updated_at before update on training for each row execute function set_updated_at();

create table training_completion (
    completion_id    uuid primary key,
    organisation_id  uuid not null references organisation (organisation_id) on delete cascade,
    training_id      uuid not null references training (training_id) on delete cascade,
    user_id          uuid not null references app_user (user_id) on delete cascade,
    completed_on     date not null,
    evidence_link    text,
    -- zelf: entered by the person (waits for confirmation); beheerder: entered by the administrator; import: CSV.
    source           text not null,
    recorded_by      uuid references app_user (user_id) on delete set null,
    confirmed_by     uuid references app_user (user_id) on delete set null,
    confirmed_at     timestamptz,
    created_at       timestamptz not null default now(),
    constraint training_completion_source_check check (source in ('zelf', 'beheerder', 'import')),
    constraint training_completion_evidence_check check (evidence_link ~ '^https://' and char_length(evidence_link) <= 2000),
    constraint training_completion_date_check check (completed_on between date '1990-01-01' and date '2199-12-31'),
    -- Only the person's own entry waits for confirmation.
    constraint training_completion_confirmed_check check (source = 'zelf' or confirmed_at is not null),
    constraint training_completion_once unique (training_id, user_id, completed_on)
);
create index training_completion_user_idx on training_completion (organisation_id, user_id);
create index training_completion_open_idx on training_completion (organisation_id) where confirmed_at is null;

-- A requirement is for everyone holding a role, or for everyone using a tool (see literacy::status for who that is).
create table training_requirement (
    requirement_id   uuid primary key,
    organisation_id  uuid not null references organisation (organisation_id) on delete cascade,
    training_id      uuid not null references training (training_id) on delete cascade,
    role             text,
    application_id   uuid references application (application_id) on delete cascade,
    created_at       timestamptz not null default now(),
    constraint training_requirement_role_check check (role in ('medewerker', 'projectleider', 'ciso', 'fg', 'directie', 'beheerder')),
    constraint training_requirement_target_check check ((role is null) <> (application_id is null))
);
create unique index training_requirement_role_key on training_requirement (training_id, role) where role is not null;
create unique index training_requirement_tool_key on training_requirement (training_id, application_id)
    where application_id is not null;
create index training_requirement_org_idx on training_requirement (organisation_id);
create index training_requirement_application_idx on training_requirement (application_id);

-- The users of a tool, for its training requirement: whoever's tool request for it was accepted or linked to it,
-- and the people named in its RASCI. Active members of the tool's organisation only.
create view training_tool_user as
    select distinct x.organisation_id, x.application_id, x.user_id
    from (select r.organisation_id, r.application_id, r.requested_by as user_id from tool_request r
           where r.status in ('geaccepteerd', 'gekoppeld') and r.application_id is not null
             and r.requested_by is not null
          union
          select a.organisation_id, ra.application_id, ra.user_id from rasci_assignment ra
            join application a using (application_id) where ra.user_id is not null) x
    join app_user u on u.user_id = x.user_id and u.active
    where exists (select 1 from membership m where m.user_id = x.user_id and m.organisation_id = x.organisation_id);

-- Who must have which training, and why: a role they hold, or a tool they use (one row per reason).
create view training_need as
    select r.organisation_id, m.user_id, r.training_id, r.role, null::uuid as application_id
    from training_requirement r
    join membership m on m.organisation_id = r.organisation_id and m.role = r.role
    join app_user u on u.user_id = m.user_id and u.active
    union all
    select r.organisation_id, t.user_id, r.training_id, null, r.application_id
    from training_requirement r
    join training_tool_user t on t.organisation_id = r.organisation_id and t.application_id = r.application_id;
