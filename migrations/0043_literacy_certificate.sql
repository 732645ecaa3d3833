-- Issue 22, continued: a completion's certificate as an uploaded file beside (or instead of) the link. The file is
-- stored like assessment reports (assessment_document, checked by content); deleting the document leaves the
-- completion without it.
alter table training_completion
    add column certificate_document_id uuid references assessment_document (document_id) on delete set null;
create index training_completion_certificate_idx on training_completion (certificate_document_id)
    where certificate_document_id is not null;

-- A certificate names its holder: when the completion goes (its person, training or organisation deleted), the
-- file goes with it instead of staying behind unreferenced.
create function training_completion_drop_certificate() returns trigger
    language plpgsql
    set search_path = public, pg_catalog
    as $$
    begin
        delete from assessment_document where document_id = old.certificate_document_id;
        return old;
    end
    $$;
create trigger training_completion_drop_certificate after delete on training_completion
    for each row when (old.certificate_document_id is not null)
    execute function training_completion_drop_certificate();

-- A certificate may be an image (a screenshot or a scan); the upload checks accept PNG and JPEG for certificates
-- only (assessments::sniff::DocType::CERTIFICATES), reports and agreements stay documents.
alter table assessment_document drop constraint assessment_document_media_type_check;
alter table assessment_document add constraint assessment_document_media_type_check check (media_type in (
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.oasis.opendocument.text',
    'image/png',
    'image/jpeg'));
