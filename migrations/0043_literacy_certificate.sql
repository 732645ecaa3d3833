-- Issue 22, continued: a completion's certificate as an uploaded file beside (or instead of) the link. The file is
-- stored like assessment reports (assessment_document, checked by content); deleting the document leaves the
-- completion without it.
alter table training_completion
    add column certificate_document_id uuid references assessment_document (document_id) on delete set null;
create index training_completion_certificate_idx on training_completion (certificate_document_id)
    where certificate_document_id is not null;

-- A certificate may be an image (a screenshot or a scan); the upload checks accept PNG and JPEG for certificates
-- only (assessments::sniff::DocType::CERTIFICATES), reports and agreements stay documents.
alter table assessment_document drop constraint assessment_document_media_type_check;
alter table assessment_document add constraint assessment_document_media_type_check check (media_type in (
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.oasis.opendocument.text',
    'image/png',
    'image/jpeg'));
