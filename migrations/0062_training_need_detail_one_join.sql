-- The literacy counts of the dashboard and the coverage page (literacy::figures::standing_counts) read every need
-- of the organisation through training_need_detail (migration 0055); three things made that cost more than the
-- needs themselves (issue 24):
-- - the view joined app_user again for the person's name, e-mail and department after training_need had joined
--   it for `active`, and PostgreSQL, misjudging that second join, looked every person up one at a time;
-- - the latest completions were aggregated once per reason (role, tool);
-- - a tool's users (training_tool_user, migration 0030) were found for every registration of the organisation
--   (all its tool requests and RASCI rows, de-duplicated twice) before the few tools that require a training were
--   picked out of them: 10 ms at 10,000 registrations for a single required tool.
-- Now a tool's users are found from the tool (its accepted requests and RASCI people, on their indexes), the
-- person is read once in the join that decides the need, the latest completions are joined once for both
-- reasons, and training_need is the projection of training_need_detail, so who needs which training is still
-- written once. The rows are the same (tests/api/literacy.rs, people.rs and literacy_api.rs).
create or replace view training_tool_user as
    select a.organisation_id, a.application_id, x.user_id
    from application a
    cross join lateral (select r.requested_by as user_id from tool_request r
                         where r.application_id = a.application_id and r.organisation_id = a.organisation_id
                           and r.status in ('geaccepteerd', 'gekoppeld') and r.requested_by is not null
                        union
                        select ra.user_id from rasci_assignment ra
                         where ra.application_id = a.application_id and ra.user_id is not null) x
    join app_user u on u.user_id = x.user_id and u.active
    where exists (select 1 from membership m where m.user_id = x.user_id and m.organisation_id = a.organisation_id);

create or replace view training_need_detail as
    select n.organisation_id, n.user_id, n.user_name, n.email, n.department, n.training_id, t.title,
           t.validity_months, n.role, n.application_id, n.tool, l.done, coalesce(l.waiting, false) as waiting
    from (select r.organisation_id, u.user_id, u.name as user_name, u.email, u.department, r.training_id, r.role,
                 null::uuid as application_id, null::text as tool
            from training_requirement r
            join membership m on m.organisation_id = r.organisation_id and m.role = r.role
            join app_user u on u.user_id = m.user_id and u.active
          union all
          select r.organisation_id, u.user_id, u.name, u.email, u.department, r.training_id, null, r.application_id,
                 a.name
            from training_requirement r
            join training_tool_user x on x.organisation_id = r.organisation_id and x.application_id = r.application_id
            join app_user u on u.user_id = x.user_id
            join application a on a.application_id = r.application_id) n
    join training t on t.training_id = n.training_id
    left join training_latest l
           on l.organisation_id = n.organisation_id and l.user_id = n.user_id and l.training_id = n.training_id;

create or replace view training_need as
    select organisation_id, user_id, training_id, role, application_id from training_need_detail;
