-- The literacy counts of the dashboard and the coverage page (literacy::figures::standing_counts) read every need
-- of the organisation through training_need_detail (migration 0055); three things made that cost more than the
-- needs themselves (issue 24):
-- - a tool's users (the view training_tool_user, migration 0030) were found for every registration of the
--   organisation (all its accepted requests and RASCI rows, de-duplicated twice) before the few tools that
--   require a training were picked out of them: PostgreSQL cannot push a join into a de-duplicated union;
-- - the view joined app_user again for the person's name, e-mail and department after training_need had joined
--   it for `active`, and PostgreSQL, misjudging that second join, looked every person up one at a time;
-- - the latest completions were aggregated once per reason (role, tool).
-- Now a tool's users are found from its requirements: each half of the union (accepted or linked requests, RASCI
-- people) starts from training_requirement and carries the organisation, the tool and the training, so a
-- condition on any of them, or on the person, reaches both halves and their indexes (the whole organisation, one
-- person's own needs, one tool's figure). The person is read once, the latest completions are joined once, and
-- training_need is the projection of training_need_detail. training_tool_user goes: the tool's own figure
-- (literacy::figures::for_tool) reads the tool's needs, so who needs which training is written once.
-- The rows are the same (tests/api/literacy.rs, people.rs and literacy_api.rs).
create or replace view training_need_detail as
    select n.organisation_id, n.user_id, n.user_name, n.email, n.department, n.training_id, t.title,
           t.validity_months, n.role, n.application_id, n.tool, l.done, coalesce(l.waiting, false) as waiting
    from (select r.organisation_id, u.user_id, u.name as user_name, u.email, u.department, r.training_id, r.role,
                 null::uuid as application_id, null::text as tool
            from training_requirement r
            join membership m on m.organisation_id = r.organisation_id and m.role = r.role
            join app_user u on u.user_id = m.user_id and u.active
          union all
          select x.organisation_id, u.user_id, u.name, u.email, u.department, x.training_id, null, x.application_id,
                 a.name
            from (select r.organisation_id, r.training_id, r.application_id, q.requested_by as user_id
                    from training_requirement r
                    join tool_request q on q.application_id = r.application_id and q.organisation_id = r.organisation_id
                   where q.status in ('geaccepteerd', 'gekoppeld') and q.requested_by is not null
                  union
                  select r.organisation_id, r.training_id, r.application_id, ra.user_id
                    from training_requirement r
                    join rasci_assignment ra on ra.application_id = r.application_id
                   where ra.user_id is not null) x
            join app_user u on u.user_id = x.user_id and u.active
            join application a on a.application_id = x.application_id and a.organisation_id = x.organisation_id
           where exists (select 1 from membership m where m.user_id = x.user_id and m.organisation_id = x.organisation_id)
         ) n
    join training t on t.training_id = n.training_id
    left join training_latest l
           on l.organisation_id = n.organisation_id and l.user_id = n.user_id and l.training_id = n.training_id;

create or replace view training_need as
    select organisation_id, user_id, training_id, role, application_id from training_need_detail;

drop view training_tool_user;
