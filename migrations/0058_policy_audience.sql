-- Who a policy version asks to read it (its audience: active members in its roles and departments, none chosen
-- meaning everyone), with their acknowledgement of that version. One definition for the list of readers (the
-- coverage page, the export, reminders, the API) and for the dashboard's counts per department and role, which
-- the database now adds up instead of the server counting every reader (issue 24). A plain SQL function, so
-- PostgreSQL inlines it into the statement that calls it. The parameters' prefix keeps them apart from columns
-- of the same name (app_user.version).
create function policy_audience(p_org uuid, p_version uuid, p_roles text[], p_departments text[])
returns table (user_id uuid, department text, acknowledged_at timestamptz)
language sql stable as $$
    select u.user_id, u.department, a.acknowledged_at
      from app_user u
      left join policy_acknowledgement a on a.user_id = u.user_id and a.policy_version_id = p_version
     where u.active
       and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = p_org
                    and (cardinality(p_roles) = 0 or m.role = any(p_roles)))
       and (cardinality(p_departments) = 0 or u.department = any(p_departments))
$$;
