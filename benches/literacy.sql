-- The benchmark's AI-literacy (benches/load.rs), for the dashboard's figures per department and role: $1 the
-- organisation. Its members get one of twelve departments (one in twenty none); a basic training is required of
-- every medewerker; of the members, about six in ten have it confirmed and valid, one in ten expired, one in
-- ten entered it themselves and wait for confirmation, the rest have not done it. A second training is required
-- of the users of every high-risk tool in use (its RASCI people: one need per person and tool, about 480), which
-- half of the members have done. (The benchmark's own users, added afterwards, are medewerkers without a department
-- or a completion.)
with d as (
    update app_user u set department = case when abs(hashtext(u.email)) % 20 = 0 then null
                                            else 'Afdeling ' || (abs(hashtext(u.email)) % 12 + 1) end
      from membership m where m.user_id = u.user_id and m.organisation_id = $1
    returning u.user_id
), t as (
    insert into training (training_id, organisation_id, title, level, validity_months)
    values (gen_random_uuid(), $1, 'Basistraining AI', 'basis', 24)
    returning training_id
), r as (
    insert into training_requirement (requirement_id, organisation_id, training_id, role)
    select gen_random_uuid(), $1, training_id, 'medewerker' from t
), ht as (
    insert into training (training_id, organisation_id, title, level, validity_months)
    values (gen_random_uuid(), $1, 'Hoog-risico AI gebruiken', 'gevorderd', 12)
    returning training_id
), hr as (
    insert into training_requirement (requirement_id, organisation_id, training_id, application_id)
    select gen_random_uuid(), $1, ht.training_id, a.application_id
      from ht, application a where a.organisation_id = $1 and a.ai_act_risk_group = 'hoog-risico AI'
       and a.workflow_status = 'in_gebruik'
)
insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source,
                                 confirmed_at)
select gen_random_uuid(), $1, t.training_id, d.user_id,
       current_date - case when k < 6 then 30 * k + 10 when k < 7 then 900 else 20 end,
       case when k = 7 then 'zelf' else 'beheerder' end,
       case when k = 7 then null else now() end
  from t, d, lateral (select abs(hashtext(d.user_id::text)) % 10 as k) x
 where x.k < 8
union all
select gen_random_uuid(), $1, ht.training_id, d.user_id, current_date - 60, 'beheerder', now()
  from ht, d where abs(hashtext(d.user_id::text || 'hoog')) % 2 = 0;
