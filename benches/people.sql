-- The benchmark's people (benches/load.rs): $1 the organisation, $2 how many member accounts (as SCIM brings
-- a municipality's employees). Each registration gets one of them as owner and Accountable, as a real
-- register has, so the application page shows names.
with u as (
    insert into app_user (user_id, email, name)
    select gen_random_uuid(), 'medewerker' || i || '@benchdam.example', 'Medewerker ' || i
      from generate_series(1, $2::int) as i
    returning user_id
), m as (
    insert into membership (user_id, organisation_id, role) select user_id, $1, 'medewerker' from u
    returning user_id
), numbered as (
    select user_id, row_number() over (order by user_id) - 1 as k from m
), apps as (
    select application_id, row_number() over (order by application_id) as n from application
     where organisation_id = $1
), owned as (
    update application a set owner_id = p.user_id
      from apps join numbered p on p.k = apps.n % $2
     where a.application_id = apps.application_id
    returning a.application_id, a.owner_id
)
insert into rasci_assignment (rasci_id, application_id, user_id, letter)
select gen_random_uuid(), application_id, owner_id, 'A' from owned
