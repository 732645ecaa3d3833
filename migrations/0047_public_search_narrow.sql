-- The public register's search read each published match from the wide registration table to sort it by
-- name: at 100,000 registrations "vertaaldienst" fetched 1,430 wide rows for a page of 25 (about 4 ms of the
-- statement's time). The narrow search copy (0011) now says whether a registration is public, with a text
-- index over the public ones only, so a search sorts narrow rows and reads only its page in full (about 2 ms;
-- issue 24). A search combined with the public filters (theme, status, category) keeps 0046's index.

alter table application_search add column public boolean not null default false;

create or replace function application_search_sync() returns trigger language plpgsql as $$
begin
    insert into application_search (application_id, organisation_id, name_lower, workflow_status, risk_level,
        ai_act_risk_group, department, use_category, personal_data, next_evaluation, created_at, updated_at, search,
        public)
    values (new.application_id, new.organisation_id, lower(new.name), new.workflow_status, new.risk_level,
        new.ai_act_risk_group, new.department, new.use_category, new.personal_data, new.next_evaluation,
        new.created_at, new.updated_at, new.search,
        coalesce(registration_public(new.publish, new.workflow_status), false))
    on conflict (application_id) do update set
        organisation_id = excluded.organisation_id, name_lower = excluded.name_lower,
        workflow_status = excluded.workflow_status, risk_level = excluded.risk_level,
        ai_act_risk_group = excluded.ai_act_risk_group, department = excluded.department,
        use_category = excluded.use_category, personal_data = excluded.personal_data,
        next_evaluation = excluded.next_evaluation, created_at = excluded.created_at,
        updated_at = excluded.updated_at, search = excluded.search, public = excluded.public;
    return null;
end;
$$;
-- pg_restore runs with an empty search_path (see 0009).
alter function application_search_sync() set search_path from current;

update application_search s set public = true
  from application a
 where a.application_id = s.application_id and coalesce(registration_public(a.publish, a.workflow_status), false);

create index application_search_public_idx on application_search using gin (search) where public;
