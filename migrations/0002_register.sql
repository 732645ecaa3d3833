-- The register: AI applications with every field of the Algoritmeregister publicatiestandaard 1.0 plus
-- the internal fields of PRODUCT.md, RASCI per application, and the append-only, hash-chained audit trail.
-- The code validates first (Dutch messages per field); these constraints are the last line of defence.

create extension if not exists pg_trgm;

-- Length of a rich-text value as the national register counts it: tags stripped, entities as one character.
-- The code stores normalised HTML (whitespace in text collapsed) and counts its text nodes joined by spaces,
-- which is never less than this, so the database never refuses what the code accepted.
create function text_length_without_html(html text) returns integer
    language sql immutable parallel safe
    as $$ select char_length(regexp_replace(regexp_replace(coalesce(html, ''), '<[^>]*>', '', 'g'),
                                            '&(amp|lt|gt|quot|nbsp|#[0-9]+);', 'x', 'g')) $$;

create function is_https_link(link text) returns boolean
    language sql immutable parallel safe
    as $$ select link ~ '^https://[^\s/?#]+[^\s]*$' and char_length(link) <= 500 $$;

-- A reference list ("Verwijzingen ..." in the standard): an array of {title, link} objects.
create function is_reference_list(refs jsonb, title_max integer, link_required boolean) returns boolean
    language sql immutable parallel safe
    as $$
    select jsonb_typeof(refs) = 'array' and not exists (
        select 1 from jsonb_array_elements(refs) as e(item)
        where jsonb_typeof(item) <> 'object'
           or char_length(coalesce(item ->> 'title', '')) not between 1 and title_max
           or (link_required and item ->> 'link' is null)
           or (item ->> 'link' is not null and not is_https_link(item ->> 'link')))
    $$;

create table application (
    application_id          uuid primary key,
    organisation_id         uuid not null references organisation (organisation_id) on delete cascade,

    -- Publicatiestandaard 1.0 (keys as in the standard; `organization` is the owning organisation's name,
    -- `source_id` is application_id, `lang` and `standard_version` are fixed).
    name                    text not null,
    description_short       text not null,
    category                text[] not null default '{}',
    status                  text not null default 'In ontwikkeling',
    begin_date              text,
    end_date                text,
    contact_email           text,
    website                 text,
    publication_category    text,
    url                     text,
    goal                    text,
    proportionality         text,
    human_intervention      text,
    risks                   text,
    lawful_basis            text,
    lawful_basis_grouping   jsonb not null default '[]',
    process_index_url       text,
    impacttoetsen_grouping  jsonb not null default '[]',
    impacttoetsen           text,
    source_data             text,
    source_data_grouping    jsonb not null default '[]',
    methods_and_models      text,
    provider                text,
    publiccode              text,
    lang                    text not null default 'nld',
    standard_version        text not null default '1.0',
    tags                    text,
    -- Assigned by the national register after the first upload.
    lars                    text,
    publication_dt          timestamptz,

    -- Internal fields (seeds 001-003).
    workflow_status         text not null default 'concept',
    use_category            text,
    deployment              text,
    licence_type            text,
    generative              boolean,
    agentic                 boolean,
    department              text,
    target_group            text,
    interaction             text,
    personal_data           boolean,
    special_categories      boolean,
    data_location           text,
    training_opt_out        boolean,
    retention_agreed        boolean,
    agreement_data_use      boolean,
    agreement_retention     boolean,
    agreement_training      boolean,
    supplier_agreements_note text,
    human_oversight         text,
    fallback_scenario       text,
    checklist               text[] not null default '{}',
    next_evaluation         date,
    owner_id                uuid references app_user (user_id) on delete set null,
    ai_act_risk_group       text,
    -- The data-class matrix: per class toegestaan / onder_voorwaarden / verboden.
    dc_openbaar             text,
    dc_intern               text,
    dc_vertrouwelijk        text,
    dc_persoonsgegevens     text,
    dc_bijzondere           text,
    dc_beveiliging          text,
    dc_klant                text,
    dc_financieel           text,
    -- Own risk level: derived from the matrix by the code on every save, overridable by the CISO.
    risk_level_derived      text,
    risk_level_override     text,
    risk_override_motivation text,
    risk_override_by        uuid references app_user (user_id) on delete set null,
    risk_level              text generated always as (coalesce(risk_level_override, risk_level_derived)) stored,

    created_by              uuid references app_user (user_id) on delete set null,
    submitted_at            timestamptz,
    version                 integer not null default 0,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    search                  tsvector generated always as (
        setweight(to_tsvector('dutch', name), 'A')
        || setweight(to_tsvector('dutch', coalesce(provider, '') || ' ' || coalesce(tags, '')), 'B')
        || setweight(to_tsvector('dutch', description_short), 'C')) stored,

    constraint application_name_check check (char_length(btrim(name)) between 1 and 100),
    constraint application_description_short_check check (char_length(btrim(description_short)) between 1 and 400),
    constraint application_category_check check (category <@ array['Organisatie en bedrijfsvoering',
        'Cultuur en recreatie', 'Economie', 'Overheidsfinanciën', 'Wonen', 'Internationaal', 'Migratie en integratie',
        'Natuur en milieu', 'Onderwijs en wetenschap', 'Openbare orde en veiligheid', 'Recht',
        'Ruimte en infrastructuur', 'Sociale zekerheid', 'Verkeer', 'Werk', 'Zorg en gezondheid']),
    constraint application_status_check check (status in ('In ontwikkeling', 'In gebruik', 'Buiten gebruik')),
    constraint application_begin_date_check check (begin_date ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    constraint application_end_date_check check (end_date ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    constraint application_contact_email_check check (char_length(contact_email) <= 500
        and (is_https_link(contact_email) or contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$')),
    constraint application_website_check check (is_https_link(website)),
    constraint application_publication_category_check check (publication_category in
        ('Hoog-risico AI-systeem', 'Impactvolle algoritmes', 'Overige algoritmes')),
    constraint application_url_check check (is_https_link(url)),
    constraint application_goal_check check (text_length_without_html(goal) <= 2500),
    constraint application_proportionality_check check (text_length_without_html(proportionality) <= 2500),
    constraint application_human_intervention_check check (text_length_without_html(human_intervention) <= 2500),
    constraint application_risks_check check (text_length_without_html(risks) <= 2500),
    constraint application_lawful_basis_check check (text_length_without_html(lawful_basis) <= 2500),
    constraint application_lawful_basis_grouping_check check (is_reference_list(lawful_basis_grouping, 100, true)),
    constraint application_process_index_url_check check (is_https_link(process_index_url)),
    constraint application_impacttoetsen_grouping_check check (is_reference_list(impacttoetsen_grouping, 500, false)),
    constraint application_impacttoetsen_check check (text_length_without_html(impacttoetsen) <= 2500),
    constraint application_source_data_check check (text_length_without_html(source_data) <= 2500),
    constraint application_source_data_grouping_check check (is_reference_list(source_data_grouping, 500, true)),
    constraint application_methods_and_models_check check (text_length_without_html(methods_and_models) <= 5000),
    constraint application_provider_check check (char_length(provider) <= 200),
    constraint application_publiccode_check check (is_https_link(publiccode)),
    constraint application_lang_check check (lang = 'nld'),
    constraint application_standard_version_check check (standard_version = '1.0'),
    constraint application_tags_check check (text_length_without_html(tags) <= 2500),
    constraint application_lars_check check (lars ~ '^[1-9]{7}[0-9]$'),

    constraint application_workflow_status_check check (workflow_status in ('concept', 'ingediend', 'in_beoordeling',
        'teruggestuurd', 'goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'afgewezen', 'in_gebruik', 'buiten_gebruik')),
    constraint application_use_category_check check (use_category in
        ('interne_productiviteit', 'algemeen_gebruik', 'klantprojecten')),
    constraint application_deployment_check check (deployment in
        ('openbare_webdienst', 'ingebed', 'api', 'lokaal', 'cloud')),
    constraint application_licence_type_check check (licence_type in ('consument', 'organisatie')),
    constraint application_department_check check (char_length(department) <= 100),
    constraint application_target_group_check check (char_length(target_group) <= 200),
    constraint application_interaction_check check (interaction in ('intern', 'extern')),
    constraint application_data_location_check check (data_location in ('eu', 'buiten_eer', 'onbekend')),
    constraint application_supplier_agreements_note_check check (text_length_without_html(supplier_agreements_note) <= 2500),
    constraint application_human_oversight_check check (text_length_without_html(human_oversight) <= 2500),
    constraint application_fallback_scenario_check check (text_length_without_html(fallback_scenario) <= 2500),
    constraint application_checklist_check check (checklist <@ array['doel', 'risicoanalyse', 'privacy', 'maatregelen',
        'leveranciersafspraken', 'transparantie', 'uitlegbaarheid', 'verantwoordelijken', 'algoritmeregister',
        'training']),
    constraint application_ai_act_risk_group_check check (ai_act_risk_group in ('verboden AI', 'hoog-risico AI',
        'geen hoog-risico AI', 'uitzondering van toepassing', 'niet van toepassing')),
    constraint application_data_class_check check (
        coalesce(dc_openbaar, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')
        and coalesce(dc_intern, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')
        and coalesce(dc_vertrouwelijk, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')
        and coalesce(dc_persoonsgegevens, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')
        and coalesce(dc_bijzondere, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')
        and coalesce(dc_beveiliging, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')
        and coalesce(dc_klant, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')
        and coalesce(dc_financieel, 'verboden') in ('toegestaan', 'onder_voorwaarden', 'verboden')),
    constraint application_risk_level_derived_check check (risk_level_derived in ('laag', 'middel', 'hoog')),
    -- An override needs a motivation and the CISO who made it.
    constraint application_risk_override_check check (risk_level_override is null or (
        risk_level_override in ('laag', 'middel', 'hoog')
        and risk_override_motivation is not null
        and char_length(btrim(risk_override_motivation)) between 10 and 2000
        and risk_override_by is not null)),
    -- Beyond a draft, what the national register requires must be there.
    constraint application_submitted_complete_check check (workflow_status = 'concept' or (
        contact_email is not null and publication_category is not null and submitted_at is not null))
);
create trigger application_updated_at before update on application
    for each row execute function set_updated_at();
create index application_organisation_idx on application (organisation_id, updated_at desc);
create index application_search_idx on application using gin (search);
create index application_name_trgm_idx on application using gin (lower(name) gin_trgm_ops);
create index application_owner_idx on application (owner_id);
create index application_department_idx on application (organisation_id, department);

-- RASCI: per letter a user or a named function; several per letter, at most one Accountable (exactly one is
-- required before submission, which the code checks).
create table rasci_assignment (
    rasci_id        uuid primary key,
    application_id  uuid not null references application (application_id) on delete cascade,
    letter          text not null,
    user_id         uuid references app_user (user_id) on delete cascade,
    function_name   text,
    constraint rasci_assignment_letter_check check (letter in ('R', 'A', 'S', 'C', 'I')),
    constraint rasci_assignment_who_check check ((user_id is null) <> (function_name is null)),
    constraint rasci_assignment_function_name_check check (char_length(btrim(function_name)) between 1 and 100)
);
create index rasci_assignment_application_idx on rasci_assignment (application_id);
create index rasci_assignment_user_idx on rasci_assignment (user_id, letter);
create unique index rasci_assignment_one_accountable on rasci_assignment (application_id) where letter = 'A';

-- The audit trail: append-only (the database refuses UPDATE, DELETE and TRUNCATE) and tamper-evident (each
-- row's hash covers its content and the previous row's hash; `airegister audit verify` recomputes the chain).
-- The writer takes an advisory lock, so rows are chained in audit_id order.
create sequence audit_event_audit_id_seq;
create table audit_event (
    audit_id        bigint primary key,
    occurred_at     timestamptz not null,
    -- No foreign keys: history outlives the users, organisations and objects it describes.
    organisation_id uuid,
    actor_id        uuid,
    actor_name      text not null,
    action          text not null,
    object_type     text not null,
    object_id       uuid,
    before          jsonb,
    after           jsonb,
    origin          text not null,
    prev_hash       bytea not null,
    hash            bytea not null,
    constraint audit_event_hash_check check (octet_length(hash) = 32 and octet_length(prev_hash) = 32)
);
create index audit_event_object_idx on audit_event (object_type, object_id, audit_id);
create index audit_event_organisation_idx on audit_event (organisation_id, audit_id);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_event_no_change before update or delete on audit_event
    for each row execute function audit_event_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_append_only();
