-- The organisations a user belongs to with their roles, as the session reads them before every page (issue 24):
-- one row per (user, organisation). The session's own statement takes them as JSON, so a logged-in page reads
-- its session and its memberships in one round trip instead of two; the sign-in and the account page read the
-- same view.
create view user_membership as
    select m.user_id, o.organisation_id, o.name, o.code, array_agg(m.role order by m.role) as roles, o.theme,
           o.logo_sha256
      from membership m join organisation o using (organisation_id)
     group by m.user_id, o.organisation_id, o.name, o.code, o.theme, o.logo_sha256;
