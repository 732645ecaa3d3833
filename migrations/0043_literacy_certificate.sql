-- Issue 22, continued: a completion's certificate as an uploaded file beside (or instead of) the link. The file is
-- stored like assessment reports (assessment_document, checked by content); deleting the document leaves the
-- completion without it.
alter table training_completion
    add column certificate_document_id uuid references assessment_document (document_id) on delete set null;
create index training_completion_certificate_idx on training_completion (certificate_document_id)
    where certificate_document_id is not null;
