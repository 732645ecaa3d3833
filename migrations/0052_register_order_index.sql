-- The register's first page is ordered by last change and then by id (`register::search::list`). The index had
-- only (organisation, last change): registrations changed in one transaction share their `updated_at` (an
-- import of a whole register, a bulk change), and PostgreSQL then read and sorted every registration of such a
-- group to find the first 25 (a register of 10,000 imported at once: every row on every view of the first
-- page; found by the load benchmark, issue 24). With the id in the index the page is the index's first 25
-- entries whatever the ties. Every other use of the old index reads the same prefix.
create index application_organisation_order_idx on application (organisation_id, updated_at desc, application_id);
drop index application_organisation_idx;
