-- Indexes for large registers (the load benchmark has 10,000 registrations in one organisation): the public
-- register and the allowed-tools list are read in their display order straight from a partial index.

drop index application_published_idx;
create index application_published_idx on application (organisation_id, lower(name), application_id)
    where publish and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'buiten_gebruik');

create index application_listed_idx
    on application (organisation_id, (workflow_status = 'afgewezen'), lower(name), application_id)
    where workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'afgewezen');
