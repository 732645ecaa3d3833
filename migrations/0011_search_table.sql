-- The register's search reads a narrow copy of each registration: the search vector and the columns the
-- list filters and sorts on. A broad search (thousands of matches in a large register) then visits small
-- rows instead of the wide registration rows (measured on 10,000 registrations: 2.9 ms → 1.2 ms for a search
-- matching 2,667). Kept in step by a trigger in the same transaction as every write.

create table application_search (
    application_id    uuid primary key references application (application_id) on delete cascade,
    organisation_id   uuid not null,
    name_lower        text not null,
    workflow_status   text not null,
    risk_level        text,
    ai_act_risk_group text,
    department        text,
    use_category      text,
    personal_data     boolean,
    next_evaluation   date,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    search            tsvector not null
);
create index application_search_vector_idx on application_search using gin (search);

create function application_search_sync() returns trigger language plpgsql as $$
begin
    insert into application_search (application_id, organisation_id, name_lower, workflow_status, risk_level,
        ai_act_risk_group, department, use_category, personal_data, next_evaluation, created_at, updated_at, search)
    values (new.application_id, new.organisation_id, lower(new.name), new.workflow_status, new.risk_level,
        new.ai_act_risk_group, new.department, new.use_category, new.personal_data, new.next_evaluation,
        new.created_at, new.updated_at, new.search)
    on conflict (application_id) do update set
        organisation_id = excluded.organisation_id, name_lower = excluded.name_lower,
        workflow_status = excluded.workflow_status, risk_level = excluded.risk_level,
        ai_act_risk_group = excluded.ai_act_risk_group, department = excluded.department,
        use_category = excluded.use_category, personal_data = excluded.personal_data,
        next_evaluation = excluded.next_evaluation, created_at = excluded.created_at,
        updated_at = excluded.updated_at, search = excluded.search;
    return null;
end;
$$;
-- pg_restore runs with an empty search_path (see 0009).
alter function application_search_sync() set search_path from current;

create trigger application_search_sync after insert or update on application
    for each row execute function application_search_sync();

insert into application_search (application_id, organisation_id, name_lower, workflow_status, risk_level,
    ai_act_risk_group, department, use_category, personal_data, next_evaluation, created_at, updated_at, search)
select application_id, organisation_id, lower(name), workflow_status, risk_level, ai_act_risk_group, department,
       use_category, personal_data, next_evaluation, created_at, updated_at, search
  from application;
