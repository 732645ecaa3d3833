-- Supplier records (issue 23, item 4): one record per supplier per organisation with the agreement that serves
-- every tool of that supplier (processor agreement, training switched off, retention, certifications, exit).
-- A registration is linked to a record by its free-text `provider` (which stays: the publication standard's
-- `provider` field is filled from it); existing free text is matched here, with a report the beheerder sees.

-- The key two spellings of one supplier share: lower case, punctuation as spaces, legal forms and the usual
-- country suffixes and remarks in brackets dropped ("Microsoft Ireland Operations Ltd." and "microsoft ireland
-- operations" match, and so do "Microsoft (Copilot Studio)" and "Microsoft").
-- A name that is nothing but such words keeps its plain form (or, with no letters at all, itself).
create function supplier_name_key(name text) returns text
    language sql immutable parallel safe
    set search_path = pg_catalog
    as $$
    with plain as (
        select btrim(regexp_replace(regexp_replace(lower(coalesce(name, '')), '\([^)]*\)', ' ', 'g'),
                                    '[^[:alnum:]]+', ' ', 'g')) as p
    )
    select coalesce(nullif(btrim(regexp_replace(regexp_replace(p,
        '\m(b v|bv|n v|nv|inc|ltd|llc|gmbh|corp|corporation|limited|plc|nederland|netherlands|europe|ireland)\M',
        ' ', 'g'), ' +', ' ', 'g')), ''), nullif(p, ''), lower(btrim(name)))
    from plain
    $$;

-- Free text that names more than one supplier ("Microsoft / OpenAI", "A en B") is not matched automatically.
create function supplier_text_is_ambiguous(name text) returns boolean
    language sql immutable parallel safe
    set search_path = pg_catalog
    as $$ select coalesce(name, '') ~* '[,;/&+]|\m(en|and)\M' $$;

create table supplier (
    supplier_id          uuid primary key,
    organisation_id      uuid not null references organisation (organisation_id) on delete cascade,
    name                 text not null,
    name_key             text not null,
    -- KvK number (8 digits) or VAT number (country code and up to 12 characters).
    registration_number  text,
    contact              text,
    data_location        text,
    -- The processor agreement (verwerkersovereenkomst): when signed, until when, where it is kept.
    dpa_signed_on        date,
    dpa_expires_on       date,
    dpa_link             text,
    training_opt_out     boolean,
    retention            text,
    iso27001_expires_on  date,
    iso42001_expires_on  date,
    other_certifications text,
    exit_arrangements    text,
    version              integer not null default 0,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint supplier_name_check check (char_length(btrim(name)) between 1 and 200),
    constraint supplier_name_key_unique unique (organisation_id, name_key),
    constraint supplier_registration_number_check check (registration_number ~ '^([0-9]{8}|[A-Z]{2}[0-9A-Z+*.]{2,12})$'),
    constraint supplier_contact_check check (char_length(contact) <= 300),
    constraint supplier_data_location_check check (data_location in ('eu', 'buiten_eer', 'onbekend')),
    constraint supplier_dpa_link_check check (is_https_link(dpa_link)),
    constraint supplier_dpa_dates_check check (dpa_expires_on is null or dpa_signed_on is null or dpa_expires_on >= dpa_signed_on),
    constraint supplier_retention_check check (char_length(retention) <= 500),
    constraint supplier_other_certifications_check check (char_length(other_certifications) <= 500),
    constraint supplier_exit_arrangements_check check (char_length(exit_arrangements) <= 2000)
);
create index supplier_organisation on supplier (organisation_id, name);

alter table application add column supplier_id uuid references supplier (supplier_id) on delete set null;
create index application_supplier on application (supplier_id) where supplier_id is not null;

-- A registration follows its free text: saved with a supplier's name (any spelling with the same key), it is
-- linked to that record; with another name, to that one or none. Renaming a record renames its registrations'
-- text in the same transaction (the code does), so they stay linked.
create function application_link_supplier() returns trigger
    language plpgsql
    set search_path = public, pg_catalog
    as $$
    begin
        new.supplier_id := (select s.supplier_id from supplier s
                            where s.organisation_id = new.organisation_id
                              and s.name_key = supplier_name_key(new.provider)
                              and btrim(coalesce(new.provider, '')) <> ''
                              and not supplier_text_is_ambiguous(new.provider));
        return new;
    end
    $$;
create trigger application_link_supplier before insert or update of provider, organisation_id on application
    for each row execute function application_link_supplier();

-- The report of the matching: which free-text value became which record, and which were left (ambiguous).
create table supplier_match (
    organisation_id  uuid not null references organisation (organisation_id) on delete cascade,
    free_text        text not null,
    supplier_id      uuid references supplier (supplier_id) on delete set null,
    -- 'nieuw': a record was made for it; 'bestaand': linked to a record that existed; 'dubbelzinnig': it names
    -- more than one supplier and was not linked.
    outcome          text not null,
    applications     integer not null,
    matched_at       timestamptz not null default now(),
    primary key (organisation_id, free_text),
    constraint supplier_match_outcome_check check (outcome in ('nieuw', 'bestaand', 'dubbelzinnig'))
);

-- Matches the free text of registrations not linked yet: one record per distinct key per organisation (named
-- by its most frequent spelling), the registrations linked, each distinct value reported. Idempotent: run
-- again (the demo does, after seeding), it only sees what is still unlinked. Returns the number linked.
create function match_free_text_suppliers() returns integer
    language plpgsql
    set search_path = public, pg_catalog
    as $$
    declare
        linked integer;
    begin
        create temporary table unlinked on commit drop as
            select organisation_id, btrim(provider) as free_text, supplier_name_key(provider) as key,
                   supplier_text_is_ambiguous(provider) as ambiguous, count(*)::integer as n
            from application
            where supplier_id is null and btrim(coalesce(provider, '')) <> ''
            group by 1, 2, 3, 4;
        create temporary table existing on commit drop as
            select s.organisation_id, s.name_key from supplier s;
        insert into supplier (supplier_id, organisation_id, name, name_key)
            select gen_random_uuid(), organisation_id, (array_agg(free_text order by n desc, free_text))[1], key
            from unlinked where not ambiguous
            group by organisation_id, key
            on conflict (organisation_id, name_key) do nothing;
        insert into supplier_match (organisation_id, free_text, supplier_id, outcome, applications)
            select u.organisation_id, u.free_text, s.supplier_id,
                   case when u.ambiguous then 'dubbelzinnig'
                        when exists (select 1 from existing e
                                     where e.organisation_id = u.organisation_id and e.name_key = u.key) then 'bestaand'
                        else 'nieuw' end,
                   u.n
            from unlinked u
            left join supplier s on not u.ambiguous and s.organisation_id = u.organisation_id and s.name_key = u.key
            on conflict (organisation_id, free_text) do update
                set supplier_id = excluded.supplier_id, outcome = excluded.outcome,
                    applications = excluded.applications, matched_at = now();
        update application a set supplier_id = s.supplier_id
            from supplier s
            where a.supplier_id is null and s.organisation_id = a.organisation_id
              and btrim(coalesce(a.provider, '')) <> '' and not supplier_text_is_ambiguous(a.provider)
              and s.name_key = supplier_name_key(a.provider);
        get diagnostics linked = row_count;
        drop table unlinked;
        drop table existing;
        return linked;
    end
    $$;

select match_free_text_suppliers();
