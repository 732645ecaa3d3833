-- Two conditions of the review, kept once here (as migration 0013's). "In review" is used by the navigation's
-- counts, the review queues, the reminders and Beheer's role shortages; four-eyes by the navigation's counts,
-- where the queues apply the same rule in Rust (register::queue::Waiting::is_party): a test compares the two
-- for every way a person can be on a registration, so the count beside "Te beoordelen" and the queue it leads
-- to cannot drift apart. Both are inlined by the planner, so the index on the status is used as before.

-- register::machine::IN_REVIEW: submitted and waiting for the CISO's decision.
create function registration_in_review(status text) returns boolean
    language sql immutable parallel safe
    return status in ('ingediend', 'in_beoordeling');

-- Four-eyes (seed 002 §6; register::access::is_party, register::queue::Waiting::is_party): who registered,
-- submitted or owns a registration does not decide on it. Never null.
create function registration_party(a application, person uuid) returns boolean
    language sql stable parallel safe
    return coalesce(a.created_by = person, false) or coalesce(a.submitted_by = person, false)
        or coalesce(a.owner_id = person, false);
