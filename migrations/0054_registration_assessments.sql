-- The required assessments of an organisation's active registrations, counted as a set. The dashboard and the
-- register's assessment filters called dpia_required and assessment_completed (migration 0013) once or twice
-- per registration; neither can be inlined (each holds a subquery), and at 10,000 registrations the
-- dashboard's count took 65–100 ms (issue 24). The pieces below are shared by the per-registration functions
-- and the set, so the conditions stay written once; tests/api/dashboard.rs compares both forms with the
-- domain's rules (register::gates).

-- A Pre-scan DPIA's verdicts call for a DPIA.
create function prescan_requires_dpia(verdicts jsonb) returns boolean
    language sql immutable parallel safe
    return coalesce(verdicts @> '[{"assessment": "DPIA", "level": "required"}]', false);

-- The latest completed Pre-scan DPIA of each registration (ties, which the per-registration form left to
-- chance, go to the later id).
create view latest_prescan as
    select distinct on (q.application_id) q.application_id, q.verdicts from questionnaire q
     where q.kind = 'prescan' and q.status = 'afgerond'
     order by q.application_id, q.completed_at desc, q.questionnaire_id desc;

-- What the registration's own answers require: personal data with special categories or a high own risk.
create function dpia_required_by_answers(a application) returns boolean
    language sql stable parallel safe
    return processes_personal_data(a)
        and coalesce(coalesce(a.special_categories, false)
                     or a.dc_bijzondere in ('toegestaan', 'onder_voorwaarden') or a.risk_level = 'hoog', false);

create or replace function dpia_required(a application) returns boolean
    language sql stable parallel safe
    return dpia_required_by_answers(a)
        or prescan_requires_dpia((select p.verdicts from latest_prescan p where p.application_id = a.application_id));

-- An assessment that counts as done: completed and confirmed (migration 0019).
create function assessment_counts(s assessment) returns boolean
    language sql immutable parallel safe
    return s.status = 'afgerond' and s.confirmation = 'bevestigd';

create or replace function assessment_completed(application uuid, kinds text[]) returns boolean
    language sql stable parallel safe
    return exists(select 1 from assessment s
                   where s.application_id = application and assessment_counts(s) and s.kind = any(kinds));

-- Per active registration of `org` (registration_active): DPIA required and done, IAMA (or FRAIA) required and
-- done, as dpia_required, iama_required and assessment_completed say, read with two joins instead of four
-- function calls per registration (10,000 registrations: 65–100 → 11–14 ms).
create function registration_assessments(org uuid)
    returns table (application_id uuid, dpia boolean, dpia_done boolean, iama boolean, iama_done boolean)
    language sql stable parallel safe
begin atomic
    select a.application_id, dpia_required_by_answers(a) or prescan_requires_dpia(p.verdicts),
           coalesce(d.dpia, false), iama_required(a), coalesce(d.iama, false)
      from application a
      left join latest_prescan p on p.application_id = a.application_id
      left join (select s.application_id, bool_or(s.kind = 'dpia') as dpia,
                        bool_or(s.kind in ('iama', 'fraia')) as iama
                   from assessment s join application x on x.application_id = s.application_id
                  where x.organisation_id = org and assessment_counts(s)
                  group by s.application_id) d on d.application_id = a.application_id
     where a.organisation_id = org and registration_active(a.workflow_status);
end;
