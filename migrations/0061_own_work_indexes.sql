-- What waits for someone on their home page (tasks::completion: drafts they created, submitted or own) is found
-- through indexes on the people a registration names, not by asking every registration of the organisation for
-- its latest decision (64 ms at 10,000 registrations for every home page, issue 24). The owner had an index
-- (0002); the creator and the submitter get one. They also serve the foreign keys' `on delete set null` when an
-- account is removed.
create index application_created_by_idx on application (created_by);
create index application_submitted_by_idx on application (submitted_by);
