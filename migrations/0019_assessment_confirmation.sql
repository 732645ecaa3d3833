-- Assessments are confirmed, not self-declared (issue 18, item 4). An assessment recorded as completed counts for
-- the gates only once the role that answers for its kind has confirmed it: the FG for the DPIA, the Pre-scan
-- DPIA and the DTIA, the CISO for the others (register::confirmation). Recorded by someone who holds that role, it
-- is confirmed at once. The confirmer may also send it back with a reason: it is then in progress again.

alter table assessment
    -- Only for a completed assessment: ter_bevestiging or bevestigd.
    add column confirmation    text,
    -- Who recorded it as completed (or last changed what it says), and when: the four-eyes rule compares with it.
    add column recorded_by     uuid references app_user (user_id) on delete set null,
    add column recorded_at     timestamptz,
    -- Null with confirmed_at set: confirmed when this migration introduced confirmation (see below).
    add column confirmed_by    uuid references app_user (user_id) on delete set null,
    add column confirmed_at    timestamptz,
    add column returned_reason text,
    add column returned_by     uuid references app_user (user_id) on delete set null,
    add column returned_at     timestamptz;

-- Existing data: what was completed before confirmation existed was accepted under the rules of its time, and a
-- registration approved on it must not fall back. It is recorded as confirmed "bij invoering" (no person), so the
-- page says so and an FG or CISO can still see which ones nobody confirmed; any material change from now on asks
-- for a confirmation again.
update assessment set confirmation = 'bevestigd', confirmed_at = now(), recorded_by = created_by,
                      recorded_at = updated_at
 where status = 'afgerond';

alter table assessment
    -- Only a completed assessment has a confirmation state. The application sets it in the transaction that
    -- completes the assessment (register::confirmation::after_write); a completed one without it counts as not
    -- confirmed, so a path that forgot it can never satisfy a gate.
    add constraint assessment_confirmation_check check (
        (confirmation is null or status = 'afgerond')
        and confirmation in ('ter_bevestiging', 'bevestigd')
        and (confirmation is distinct from 'bevestigd' or confirmed_at is not null)),
    add constraint assessment_returned_check check (
        (returned_at is null) = (returned_reason is null)
        and char_length(btrim(returned_reason)) between 1 and 2000);

create index assessment_waiting_idx on assessment (application_id) where confirmation = 'ter_bevestiging';

-- register::facts::completed_assessments: a completed assessment counts only once confirmed.
create or replace function assessment_completed(application uuid, kinds text[]) returns boolean
    language sql stable parallel safe
    return exists(select 1 from assessment s
                   where s.application_id = application and s.status = 'afgerond' and s.confirmation = 'bevestigd'
                     and s.kind = any(kinds));

insert into notification_kind (kind) values ('bevestiging_gevraagd'), ('assessment_bevestigd'),
    ('assessment_teruggestuurd');
