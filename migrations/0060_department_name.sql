-- A department as the figures and lists name it (policy::coverage::department_of): trimmed of the white space
-- Rust's `str::trim` removes, none when nothing is left. Departments arrive as written by SCIM, imports and
-- older forms, so " Burgerzaken" and "Burgerzaken" are one department. The policy's audience picker offered
-- both and a version asked only the people whose department was written exactly as chosen, while its figures
-- and lists already merged them. `btrim` alone removes only spaces.
create function department_name(d text) returns text
    language sql immutable parallel safe
    return nullif(btrim(d, E'\t\n\u000b\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000'), '');

-- Who a version asks (0058), now matching and returning the department by its name.
create or replace function policy_audience(p_org uuid, p_version uuid, p_roles text[], p_departments text[])
returns table (user_id uuid, department text, acknowledged_at timestamptz)
language sql stable as $$
    select u.user_id, department_name(u.department), a.acknowledged_at
      from app_user u
      left join policy_acknowledgement a on a.user_id = u.user_id and a.policy_version_id = p_version
     where u.active
       and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = p_org
                    and (cardinality(p_roles) = 0 or m.role = any(p_roles)))
       and (cardinality(p_departments) = 0 or department_name(u.department) = any(p_departments))
$$;

-- Audiences chosen before this migration hold departments as written: by their name from now on (one entry per
-- name, in the order the picker shows them).
update policy_version v
   set audience_departments = array(select distinct n from unnest(v.audience_departments) d, department_name(d) n
                                     where n is not null order by n)
 where exists (select 1 from unnest(v.audience_departments) d where department_name(d) is distinct from d);
