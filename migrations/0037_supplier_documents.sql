-- Issue 23, items 4 and 5, continued.
-- The processor agreement and the ISO certificates of a supplier can be uploaded beside (or instead of) a link:
-- the files are stored like assessment reports (assessment_document, checked by content); deleting a document
-- leaves the record without it.
alter table supplier
    add column dpa_document_id      uuid references assessment_document (document_id) on delete set null,
    add column iso27001_document_id uuid references assessment_document (document_id) on delete set null,
    add column iso42001_document_id uuid references assessment_document (document_id) on delete set null;

-- The deployer's postal address and contact for the EU database (Annex VIII, section C, points 1 and 2): kept by
-- the organisation's beheerder, one per organisation.
create table deployer_contact (
    organisation_id uuid primary key references organisation (organisation_id) on delete cascade,
    postal_address  text not null,
    contact         text,
    version         integer not null default 0,
    updated_at      timestamptz not null default now(),
    constraint deployer_contact_postal_address_check check (char_length(btrim(postal_address)) between 1 and 500),
    constraint deployer_contact_contact_check check (char_length(contact) <= 300)
);

-- The provider's registration of the system in the EU database (art. 49(1); Annex VIII section C, point 3): per
-- registration, the URL or the unique code the provider received.
create table application_eu_registration (
    application_id     uuid primary key references application (application_id) on delete cascade,
    provider_reference text not null,
    updated_at         timestamptz not null default now(),
    constraint application_eu_registration_reference_check
        check (char_length(btrim(provider_reference)) between 1 and 300)
);
