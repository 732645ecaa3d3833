-- The dashboard's count of evaluations (issue 24) asked registration_in_force of every registration of the
-- organisation: a scan of the whole table (14–16 ms at 10,000 registrations), since the change-in-review part
-- holds an EXISTS, which PostgreSQL does not inline. The count now reads two index-only parts of one index on
-- (organisation, status): the approved registrations, and those in a review round that have an approved version
-- (2 ms). The statuses of a review round get a name of their own, so that list lives here once and
-- registration_change_in_review is written with it.
create function registration_in_review_round(status text) returns boolean
    language sql immutable parallel safe
    return status in ('ingediend', 'in_beoordeling', 'teruggestuurd');

create or replace function registration_change_in_review(application uuid, status text) returns boolean
    language sql stable parallel safe
    return registration_in_review_round(status)
        and exists(select 1 from approved_version v where v.application_id = application);

create index application_status_idx on application (organisation_id, workflow_status, next_evaluation)
    include (application_id);
