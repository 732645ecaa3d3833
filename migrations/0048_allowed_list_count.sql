-- How many registrations of an organisation have a status that puts them on the allowed-tools list, kept by a
-- trigger (issue 24), as 0042 keeps the public total. The allowed-tools page counted them on every view from
-- the partial index of 0045: index-only, but still every listed registration (about 43,000 at 100,000
-- registrations: 2.4 ms of the page's 3 ms in the database). The changes in review that keep an approved tool
-- on the list are few and are still counted through approved_version.

create table organisation_listed_count (
    organisation_id uuid primary key references organisation (organisation_id) on delete cascade,
    registrations   bigint not null default 0,
    constraint organisation_listed_count_check check (registrations >= 0)
);

insert into organisation_listed_count (organisation_id, registrations)
select o.organisation_id,
       (select count(*) from application a
         where a.organisation_id = o.organisation_id and registration_listed(a.workflow_status))
  from organisation o;

create function application_listed_count() returns trigger language plpgsql as $$
declare
    was boolean := tg_op in ('UPDATE', 'DELETE') and registration_listed(old.workflow_status);
    now_listed boolean := tg_op in ('INSERT', 'UPDATE') and registration_listed(new.workflow_status);
begin
    if was and (not now_listed or new.organisation_id is distinct from old.organisation_id) then
        update organisation_listed_count set registrations = registrations - 1
         where organisation_id = old.organisation_id;
    end if;
    if now_listed and (not was or new.organisation_id is distinct from old.organisation_id) then
        insert into organisation_listed_count as c (organisation_id, registrations)
        values (new.organisation_id, 1)
        on conflict (organisation_id) do update set registrations = c.registrations + 1;
    end if;
    return null;
end
$$;
alter function application_listed_count() set search_path from current;

create trigger application_listed_count
    after insert or delete or update of workflow_status, organisation_id on application
    for each row execute function application_listed_count();
