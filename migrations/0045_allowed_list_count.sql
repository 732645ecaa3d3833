-- The allowed-tools page counts its tools on every request. registration_on_allowed_list() calls
-- registration_change_in_review(), whose EXISTS keeps PostgreSQL from inlining it: it ran once per registration
-- in a round (ingediend, in beoordeling, teruggestuurd), about 30 µs each, and the count took most of the page's
-- database time at 10,000 registrations (issue 24). The count now adds the listed statuses, read from this
-- index alone (index-only scan), to the few registrations in a round that have an approved version.
create index application_listed_count_idx
    on application (organisation_id)
    where workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'afgewezen');
