-- The benchmark's AI policy (benches/load.rs), for the dashboard's figures per department and role: $1 the
-- organisation. Version 1, published and in force for every member; about seven in ten members acknowledged it.
-- Run after literacy.sql (the departments) and before the benchmark's own users are added.
with v as (
    insert into policy_version (policy_version_id, organisation_id, number, title, body, status, published_on,
                                published_at)
    values (gen_random_uuid(), $1, 1, 'AI-beleid', '<p>Regels voor het gebruik van AI.</p>', 'gepubliceerd',
            current_date - 60, now() - interval '60 days')
    returning policy_version_id
)
insert into policy_acknowledgement (policy_version_id, user_id, acknowledged_at)
select v.policy_version_id, m.user_id, now() - interval '1 day' * (abs(hashtext(m.user_id::text)) % 60)
  from v, (select distinct user_id from membership where organisation_id = $1) m
 where abs(hashtext(m.user_id::text || 'beleid')) % 10 < 7;
