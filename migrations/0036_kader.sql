-- Issue 23: an organisation can require every applicable requirement of the Algoritmekader to be met (each of
-- its measures gereed, or niet van toepassing with a reason) before a high-risk AI system is approved.
-- Off by default: the gate is a choice of the organisation, not of the law.
alter table organisation add column kader_gate boolean not null default false;

-- Evidence of a measure may also be an uploaded file, stored and checked as assessment reports are
-- (assessments::document); removing the file leaves the measure and its text.
alter table kader_measure
    add column document_id uuid references assessment_document (document_id) on delete set null;
create index kader_measure_document_idx on kader_measure (document_id) where document_id is not null;
