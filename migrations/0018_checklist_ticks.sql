-- Who ticked which item of the checklist "Verantwoorde inzet" (seed 002, Bijlage 2) and when. The
-- registration's `checklist` column stays what the gates, the export and the API read; this table says who
-- and when, and is written in the same transaction as the column (src/register/checklist.rs). Owner items are
-- ticked by the owner in the registration form, CISO items by the CISO on the review page.
create table checklist_tick (
    application_id uuid not null references application (application_id) on delete cascade,
    item text not null check (item in ('doel', 'risicoanalyse', 'privacy', 'maatregelen', 'leveranciersafspraken',
                                       'transparantie', 'uitlegbaarheid', 'verantwoordelijken', 'algoritmeregister',
                                       'training')),
    ticked_by uuid references app_user (user_id) on delete set null,
    ticked_at timestamptz not null default clock_timestamp(),
    primary key (application_id, item)
);

-- Items ticked before this table existed: who is not known, the time is the registration's last change.
insert into checklist_tick (application_id, item, ticked_by, ticked_at)
select a.application_id, c.item, null, a.updated_at
from application a, unnest(a.checklist) as c(item);

-- Publication fields are only asked when the tool is published or citizen-facing (src/register/steps.rs), so
-- a submitted internal tool may lack them; a published or citizen-facing one still needs both.
alter table application drop constraint application_submitted_complete_check;
alter table application add constraint application_submitted_complete_check check (workflow_status = 'concept' or (
    submitted_at is not null
    and ((publish is not true and interaction is distinct from 'extern')
         or (contact_email is not null and publication_category is not null))));
