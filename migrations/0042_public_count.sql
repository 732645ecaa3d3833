-- How many registrations an organisation publishes, kept by a trigger (issue 24). The public register showed
-- its total by counting the published index on every page view: at 100,000 registrations (21,429 public) that
-- count took 3.4 ms against 0.2 ms for the page's rows, so the page's cost grew with the register. The counter
-- changes only when a registration becomes public or stops being public, in the same transaction.

create table organisation_public_count (
    organisation_id uuid primary key references organisation (organisation_id) on delete cascade,
    registrations   bigint not null default 0,
    constraint organisation_public_count_check check (registrations >= 0)
);

insert into organisation_public_count (organisation_id, registrations)
select o.organisation_id,
       (select count(*) from application a
         where a.organisation_id = o.organisation_id and registration_public(a.publish, a.workflow_status))
  from organisation o;

create function application_public_count() returns trigger language plpgsql as $$
declare
    was boolean := tg_op in ('UPDATE', 'DELETE') and registration_public(old.publish, old.workflow_status);
    now_public boolean := tg_op in ('INSERT', 'UPDATE') and registration_public(new.publish, new.workflow_status);
begin
    if was and (not now_public or new.organisation_id is distinct from old.organisation_id) then
        update organisation_public_count set registrations = registrations - 1
         where organisation_id = old.organisation_id;
    end if;
    if now_public and (not was or new.organisation_id is distinct from old.organisation_id) then
        insert into organisation_public_count as c (organisation_id, registrations)
        values (new.organisation_id, 1)
        on conflict (organisation_id) do update set registrations = c.registrations + 1;
    end if;
    return null;
end
$$;
alter function application_public_count() set search_path from current;

create trigger application_public_count
    after insert or delete or update of publish, workflow_status, organisation_id on application
    for each row execute function application_public_count();
