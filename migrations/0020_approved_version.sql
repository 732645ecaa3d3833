-- An approval stays visible during a change (issue 18, item 5). At every approval (and when an approved tool is
-- put into use) the registration as approved is kept here, written in the decision's transaction by
-- register::approved. When the owner changes a material field, the registration itself goes back into review
-- ('ingediend', as before), and this row keeps governing the allowed-tools list, "Mag ik … gebruiken voor …?"
-- and the public register until the new round decides: approval replaces it, "Wijziging afwijzen" restores the
-- registration from it.
create table approved_version (
    application_id  uuid primary key references application (application_id) on delete cascade,
    -- The registration's columns as approved (to_jsonb(a.*) minus the search vector), in the catalogue's keys.
    doc             jsonb not null,
    -- The approved status: goedgekeurd, onder voorwaarden, or in gebruik once put into use.
    status          text not null,
    -- The decision that approved it (its conditions and deadline); null for demo data loaded as approved.
    decision_id     uuid references review_decision (decision_id) on delete set null,
    approved_by     uuid references app_user (user_id) on delete set null,
    approved_at     timestamptz not null,
    saved_at        timestamptz not null default clock_timestamp(),
    constraint approved_version_status_check check (status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')),
    constraint approved_version_doc_check check (jsonb_typeof(doc) = 'object')
);

-- The CISO's "Wijziging afwijzen": the change is refused and the approved version is restored.
alter table review_decision drop constraint review_decision_decision_check;
alter table review_decision add constraint review_decision_decision_check check (decision in
    ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'afgewezen', 'teruggestuurd', 'wijziging_afgewezen'));

-- register::approved::change_in_review: a registration back in review (or returned with questions) after a
-- material change, while its approved version still governs.
create function registration_change_in_review(application uuid, status text) returns boolean
    language sql stable parallel safe
    return status in ('ingediend', 'in_beoordeling', 'teruggestuurd')
        and exists(select 1 from approved_version v where v.application_id = application);

-- An approval in force: approved or in use, or approved with a change under review. The evaluations (dashboard,
-- register filter, reminders) count these; the allowed-tools list shows these and the refused tools.
create function registration_in_force(application uuid, status text) returns boolean
    language sql stable parallel safe
    return registration_approved(status) or registration_change_in_review(application, status);

-- What the allowed-tools list shows (allowed::LISTED): approved tools, tools in use and refused tools as before,
-- and tools whose change is in review (as their approved version). The statuses are named first so that the
-- planner, which inlines this, reads the list from the partial index below.
create function registration_on_allowed_list(application uuid, status text) returns boolean
    language sql stable parallel safe
    return status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'afgewezen', 'ingediend',
                      'in_beoordeling', 'teruggestuurd')
        and (registration_listed(status) or registration_change_in_review(application, status));

-- The list is read in display order from a partial index (0008's, replaced); it now also holds the statuses of a
-- round.
drop index application_listed_idx;
create index application_allowed_list_idx
    on application (organisation_id, (workflow_status = 'afgewezen'), lower(name), application_id)
    where workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'afgewezen', 'ingediend',
                              'in_beoordeling', 'teruggestuurd');

-- The demo loader and every approval before this migration: the registration as it stands is its approved
-- version (the latest approving decision, where there is one).
insert into approved_version (application_id, doc, status, decision_id, approved_by, approved_at)
select a.application_id, to_jsonb(a.*) - 'search',
       a.workflow_status,
       d.decision_id, d.decided_by, coalesce(d.decided_at, a.updated_at)
  from application a
  left join lateral (select r.decision_id, r.decided_by, r.decided_at from review_decision r
                      where r.application_id = a.application_id
                        and r.decision in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden')
                      order by r.decided_at desc limit 1) d on true
 where a.workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik');
