-- The kinds of notification are rows of a table instead of a check constraint, so that each feature adds its
-- own kinds with an insert in its own migration (a redefined check constraint would drop the kinds another
-- migration added). The e-mail preferences and unsubscribe links name the same kinds.
create table notification_kind (
    kind text primary key
);
insert into notification_kind (kind) values ('ingediend'), ('advies_gevraagd'), ('besluit'), ('toestemming_nodig'),
    ('evaluatie'), ('incident'), ('opgeschort'), ('wacht_te_lang'), ('incident_te_laat'), ('voorwaarden');

alter table notification drop constraint notification_kind_check;
alter table notification add constraint notification_kind_fkey foreign key (kind) references notification_kind (kind);
