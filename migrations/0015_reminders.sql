-- Reminders (issue 20): how many working days (Monday to Friday; public holidays are not known here) have
-- passed since a moment, in Dutch time. Used for reviews that wait too long and incidents past their time.
create function working_days_since(since timestamptz) returns integer
    language sql stable parallel safe
    return (select count(*)::integer
              from generate_series((since at time zone 'Europe/Amsterdam')::date + 1,
                                   (now() at time zone 'Europe/Amsterdam')::date, interval '1 day') d
             where extract(isodow from d) < 6);

-- The working days an incident may stay open, by severity (kritiek: the next working day).
create function incident_handling_days(severity text) returns integer
    language sql immutable parallel safe
    return case severity when 'kritiek' then 1 when 'hoog' then 3 when 'middel' then 10 else 20 end;

-- The kinds of notification the reminders add.
alter table notification drop constraint notification_kind_check;
alter table notification add constraint notification_kind_check check (kind in ('ingediend', 'advies_gevraagd',
    'besluit', 'toestemming_nodig', 'evaluatie', 'incident', 'opgeschort', 'wacht_te_lang', 'incident_te_laat',
    'voorwaarden'));

-- An approval under conditions may say by when the conditions must be met; the owner is reminded.
alter table review_decision add column conditions_due date;
